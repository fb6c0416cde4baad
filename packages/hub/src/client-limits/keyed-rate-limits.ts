/**
 * One token bucket per key (a client address, a publisher token): `burst` at once, then `perSecond`.
 * Buckets that have filled up again are dropped in a sweep, so the map holds only keys that were busy in
 * the last `burst / perSecond` seconds; past `maxKeys` busy keys, new keys share one overflow bucket, so
 * a flood of distinct keys cannot grow memory without bound.
 */
import { RateLimit } from './rate-limit.js';

export class KeyedRateLimits {
  readonly #burst: number;
  readonly #perSecond: number;
  readonly #maxKeys: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, RateLimit>();
  readonly #overflow: RateLimit;
  #takesSinceSweep = 0;

  /** `now`: the clock in milliseconds (tests pass their own). */
  constructor(burst: number, perSecond: number, maxKeys: number, now: () => number = () => performance.now()) {
    this.#burst = burst;
    this.#perSecond = perSecond;
    this.#maxKeys = maxKeys;
    this.#now = now;
    this.#overflow = new RateLimit(burst, perSecond, now);
  }

  /** Takes one for `key`; false when its bucket is empty (the caller answers 429). */
  take(key: string): boolean {
    if (++this.#takesSinceSweep >= this.#maxKeys) this.#sweep();
    return this.#bucket(key).take();
  }

  /** Whole seconds until `key` may take again, for Retry-After. */
  retryAfterSeconds(key: string): number {
    return (this.#buckets.get(key) ?? this.#overflow).retryAfterSeconds();
  }

  /** Keys tracked now (for tests). */
  get size(): number {
    return this.#buckets.size;
  }

  #bucket(key: string): RateLimit {
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      if (this.#buckets.size >= this.#maxKeys) this.#sweep();
      if (this.#buckets.size >= this.#maxKeys) return this.#overflow;
      bucket = new RateLimit(this.#burst, this.#perSecond, this.#now);
      this.#buckets.set(key, bucket);
    }
    return bucket;
  }

  #sweep(): void {
    this.#takesSinceSweep = 0;
    for (const [key, bucket] of this.#buckets) if (bucket.isFull()) this.#buckets.delete(key);
  }
}
