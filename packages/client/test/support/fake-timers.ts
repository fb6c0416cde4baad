// A fake clock for the `timers` option: it records each timer's delay and fires timers when the test
// says so, so backoff delays are checked exactly and without waiting for them.
import type { Timers } from '../../src/index.ts';

interface Pending {
  id: number;
  milliseconds: number;
  callback: () => void;
}

export class FakeTimers implements Timers {
  #next = 1;
  readonly pending: Pending[] = [];
  /** Every delay ever scheduled, in order. */
  readonly scheduled: number[] = [];

  setTimeout(callback: () => void, milliseconds: number): number {
    const id = this.#next++;
    this.pending.push({ id, milliseconds, callback });
    this.scheduled.push(milliseconds);
    return id;
  }

  clearTimeout(handle: unknown): void {
    const index = this.pending.findIndex((timer) => timer.id === handle);
    if (index !== -1) this.pending.splice(index, 1);
  }

  /** Fires the oldest pending timer; returns its delay. */
  fireNext(): number {
    const timer = this.pending.shift();
    if (!timer) throw new Error('no pending timer');
    timer.callback();
    return timer.milliseconds;
  }
}
