/**
 * A timer for a moment that may be far away (a token's `exp`). Node runs a timer of more than
 * 2^31 - 1 ms (about 24.8 days) after 1 ms, which closed the stream of a year-long token at once; this
 * one waits at most MAX_TIMER_MS at a time and sets itself again until the moment has come.
 */
import { MAX_TIMER_MS } from '../limits.js';

/** Calls `callback` at `at` (milliseconds since the epoch); returns the function that cancels it. */
export function atTime(at: number, callback: () => void): () => void {
  let timer: ReturnType<typeof setTimeout>;
  const arm = () => {
    const left = at - Date.now();
    if (left <= 0) return callback();
    timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
    timer.unref();
  };
  arm();
  return () => clearTimeout(timer);
}
