/**
 * A token bucket: `burst` sends at once, then `perSecond`. Used for one key each by `KeyedRateLimits`
 * (new streams per client address, publishes per token).
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

  /** True when the bucket is full again: nothing of the past is remembered, so it can be dropped. */
  isFull(): boolean {
    return this.#tokens + ((this.#now() - this.#at) / 1000) * this.#perSecond >= this.#burst;
  }

  /** Whole seconds until the next send is allowed, for Retry-After. */
  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil((1 - this.#tokens) / this.#perSecond));
  }
}
