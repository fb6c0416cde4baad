/**
 * The timer functions the client schedules reconnections and idle timeouts with. Tests pass a fake
 * one to check backoff delays without waiting for them.
 */
import { MAX_TIMER_MS } from './defaults.js';

export interface Timers {
  setTimeout(callback: () => void, milliseconds: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The platform's timers, looked up at call time (so they can be swapped globally too); delays clamped to MAX_TIMER_MS. */
export const systemTimers: Timers = {
  setTimeout: (callback, milliseconds) => globalThis.setTimeout(callback, Math.min(milliseconds, MAX_TIMER_MS)),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as Parameters<typeof clearTimeout>[0]),
};
