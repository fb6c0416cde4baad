/**
 * A budget of matching time per window, for the URL patterns that can backtrack (see url-pattern.ts).
 * One limit per evaluation is not enough: nothing bounded the number of evaluations, so 100 such
 * selectors replayed against 10,000 updates could block the event loop for hours. The hub-wide budget
 * bounds the total: once a window's time is spent, those patterns do not match until the next window
 * ([spec] draft-08 "URL Pattern": when a cost limit is reached, the pattern is treated as not matching).
 */
export class MatchBudget {
  readonly #perWindowMs: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  #windowStart = Number.NEGATIVE_INFINITY;
  #spent = 0;
  /** Evaluations refused because the budget was spent (for /metrics and tests). */
  refused = 0;

  constructor(perWindowMs: number, windowMs: number, now: () => number = () => performance.now()) {
    this.#perWindowMs = perWindowMs;
    this.#windowMs = windowMs;
    this.#now = now;
  }

  /** Milliseconds left in the current window (a new window starts with the whole budget). */
  remaining(): number {
    const now = this.#now();
    if (now - this.#windowStart >= this.#windowMs) {
      this.#windowStart = now;
      this.#spent = 0;
    }
    return this.#perWindowMs - this.#spent;
  }

  spend(ms: number): void {
    this.#spent += ms;
  }
}
