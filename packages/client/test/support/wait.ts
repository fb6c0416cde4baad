// Waiting for conditions, never for fixed sleeps: a test passes as soon as what it waits for happens.
import { setTimeout as sleep } from 'node:timers/promises';

const DEFAULT_TIMEOUT = 5_000;

/** Polls `condition` every few ms until it is true; fails with `what` after `timeout` ms. */
export async function waitFor(condition: () => boolean, what: string, timeout = DEFAULT_TIMEOUT): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await sleep(2);
  }
}

/** Lets pending I/O and promise callbacks run, for checks that something did NOT happen. */
export async function settle(milliseconds = 50): Promise<void> {
  await sleep(milliseconds);
}
