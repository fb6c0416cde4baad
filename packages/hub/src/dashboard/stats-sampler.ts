/**
 * Samples the hub's counters on one timer for every dashboard viewer: subscribers connected, and publish
 * and delivery rates (per second, from the difference between two samples). The last samples are kept so
 * a page that opens draws the last minute at once instead of starting from an empty chart.
 */
import type { Hub, HubStats } from '../create-hub.js';

export interface StatsSample {
  /** When it was taken, in milliseconds since the epoch. */
  readonly time: number;
  readonly subscribers: number;
  /** Updates accepted per second since the previous sample. */
  readonly publishRate: number;
  /** Events written to subscribers per second since the previous sample. */
  readonly deliveryRate: number;
}

const rate = (delta: number, ms: number) => (ms <= 0 ? 0 : Math.round((delta * 10_000) / ms) / 10);

export class StatsSampler {
  readonly #hub: Hub;
  readonly #keep: number;
  readonly #samples: StatsSample[] = [];
  readonly #listeners = new Set<(sample: StatsSample, stats: HubStats) => void>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #previous: { time: number; published: number; delivered: number };

  constructor(hub: Hub, keep: number) {
    this.#hub = hub;
    this.#keep = keep;
    const stats = hub.stats();
    this.#previous = { time: Date.now(), published: stats.updatesPublished, delivered: stats.eventsDelivered };
  }

  /** The kept samples, oldest first. */
  get samples(): readonly StatsSample[] {
    return this.#samples;
  }

  /** Takes a sample now (the timer calls this) and tells the listeners, with the hub's stats it was taken from. */
  sample(): StatsSample {
    const stats = this.#hub.stats();
    const time = Date.now();
    const elapsed = time - this.#previous.time;
    const sample: StatsSample = {
      time,
      subscribers: stats.subscribers,
      publishRate: rate(stats.updatesPublished - this.#previous.published, elapsed),
      deliveryRate: rate(stats.eventsDelivered - this.#previous.delivered, elapsed),
    };
    this.#previous = { time, published: stats.updatesPublished, delivered: stats.eventsDelivered };
    this.#samples.push(sample);
    if (this.#samples.length > this.#keep) this.#samples.shift();
    for (const listener of this.#listeners) listener(sample, stats);
    return sample;
  }

  onSample(listener: (sample: StatsSample, stats: HubStats) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  start(intervalMs: number): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.sample(), intervalMs);
    // The dashboard never keeps the process alive on its own.
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#listeners.clear();
  }
}
