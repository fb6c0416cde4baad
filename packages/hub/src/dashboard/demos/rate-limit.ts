/**
 * A token bucket: `burst` sends at once, then `perSecond`. The chat demo takes posts from anyone with no
 * token, so without it one script could fill the demo history (and the demo pages) in a second.
 */
export class RateLimit {
  readonly #burst: number;
  readonly #perSecond: number;
  readonly #now: () => number;
  #tokens: number;
  #at: number;

  constructor(burst: number, perSecond: number, now: () => number = () => performance.now()) {
    this.#burst = burst;
    this.#perSecond = perSecond;
    this.#now = now;
    this.#tokens = burst;
    this.#at = now();
  }

  /** Takes one send; false when none is left (the caller answers 429). */
  take(): boolean {
    const now = this.#now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#at) / 1000) * this.#perSecond);
    this.#at = now;
    if (this.#tokens < 1) return false;
    this.#tokens--;
    return true;
  }

  /** Whole seconds until the next send is allowed, for Retry-After. */
  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil((1 - this.#tokens) / this.#perSecond));
  }
}
