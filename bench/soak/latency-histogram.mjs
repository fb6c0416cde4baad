// Latencies counted in log-linear buckets (16 per doubling: a quantile is within 4.4 % of the true value),
// so that a half-hour soak keeps a few hundred numbers instead of millions, and the counts of several
// processes and several sampling windows can be added up (they cross IPC as [bucket, count] pairs).

/** Buckets per doubling of the latency. */
const BUCKETS_PER_DOUBLING = 16;
/** The smallest latency told apart, ms (1 µs: below loopback's round trip). */
const FLOOR_MS = 0.001;

const bucketOf = (ms) => (ms <= FLOOR_MS ? 0 : Math.floor(Math.log2(ms / FLOOR_MS) * BUCKETS_PER_DOUBLING) + 1);
/** The upper bound of a bucket, ms: what a quantile reports (never under the true value). */
const boundOf = (bucket) => (bucket === 0 ? FLOOR_MS : FLOOR_MS * 2 ** (bucket / BUCKETS_PER_DOUBLING));

export class LatencyHistogram {
  /** bucket -> count */
  #counts = new Map();
  count = 0;
  max = 0;

  add(ms) {
    if (!(ms >= 0)) return;
    const bucket = bucketOf(ms);
    this.#counts.set(bucket, (this.#counts.get(bucket) ?? 0) + 1);
    this.count++;
    if (ms > this.max) this.max = ms;
  }

  /** Adds another histogram's counts (one from `toJSON()`, or a LatencyHistogram). */
  merge(other) {
    const { pairs, max } = other instanceof LatencyHistogram ? other.toJSON() : other;
    for (const [bucket, n] of pairs) {
      this.#counts.set(bucket, (this.#counts.get(bucket) ?? 0) + n);
      this.count += n;
    }
    if (max > this.max) this.max = max;
    return this;
  }

  /** The q-quantile, ms (the upper bound of its bucket, the exact maximum for q = 1); NaN when empty. */
  quantile(q) {
    if (this.count === 0) return Number.NaN;
    if (q >= 1) return this.max;
    const rank = Math.min(this.count, Math.floor(q * this.count) + 1);
    let seen = 0;
    for (const bucket of [...this.#counts.keys()].sort((a, b) => a - b)) {
      seen += this.#counts.get(bucket);
      if (seen >= rank) return Math.min(boundOf(bucket), this.max);
    }
    return this.max;
  }

  toJSON() {
    return { pairs: [...this.#counts], max: this.max };
  }
}
