/**
 * Samples the hub's counters on one timer for every dashboard viewer: subscribers connected, and publish
 * and delivery rates per second, averaged over the last RATE_WINDOW_MS. The last samples are kept so a page
 * that opens draws the last minute at once instead of starting from an empty chart.
 */
import type { Hub, HubStats } from '../create-hub.js';

/**
 * The rates are averaged over this window rather than taken between two samples: a publisher with a rhythm
 * (a monitor publishing every 2 s, many backends every few seconds) would otherwise draw a zigzag
 * between 0 and twice its rate on a chart sampled every second. 6 s holds a whole number of 1, 2 and 3 s
 * periods, so such rhythms draw a flat line, and a change still shows within a few seconds.
 */
export const RATE_WINDOW_MS = 6_000;

export interface StatsSample {
  /** When it was taken, in milliseconds since the epoch. */
  readonly time: number;
  readonly subscribers: number;
  /** Updates accepted per second, over the last RATE_WINDOW_MS (less just after the start). */
  readonly publishRate: number;
  /** Events written to subscribers per second, over the last RATE_WINDOW_MS. */
  readonly deliveryRate: number;
}

const rate = (delta: number, ms: number) => (ms <= 0 ? 0 : Math.round((delta * 10_000) / ms) / 10);

interface Counters {
  readonly time: number;
  readonly published: number;
  readonly delivered: number;
}

export class StatsSampler {
  readonly #hub: Hub;
  readonly #keep: number;
  readonly #samples: StatsSample[] = [];
  readonly #listeners = new Set<(sample: StatsSample, stats: HubStats) => void>();
  readonly #now: () => number;
  #timer: ReturnType<typeof setInterval> | undefined;
  /** The counters at each sample of the last RATE_WINDOW_MS, oldest first: the window's start is the first. */
  readonly #window: Counters[];

  /** `now` is the clock (milliseconds since the epoch), for tests. */
  constructor(hub: Hub, keep: number, now: () => number = Date.now) {
    this.#hub = hub;
    this.#keep = keep;
    this.#now = now;
    const stats = hub.stats();
    this.#window = [{ time: now(), published: stats.updatesPublished, delivered: stats.eventsDelivered }];
  }

  /** The kept samples, oldest first. */
  get samples(): readonly StatsSample[] {
    return this.#samples;
  }

  /** Takes a sample now (the timer calls this) and tells the listeners, with the hub's stats it was taken from. */
  sample(): StatsSample {
    const stats = this.#hub.stats();
    const time = this.#now();
    // Drop the counters the window has left, keeping one at or before its start to measure from.
    while (this.#window.length > 1 && this.#window[1]!.time <= time - RATE_WINDOW_MS) this.#window.shift();
    const start = this.#window[0]!;
    const elapsed = time - start.time;
    const sample: StatsSample = {
      time,
      subscribers: stats.subscribers,
      publishRate: rate(stats.updatesPublished - start.published, elapsed),
      deliveryRate: rate(stats.eventsDelivered - start.delivered, elapsed),
    };
    this.#window.push({ time, published: stats.updatesPublished, delivered: stats.eventsDelivered });
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
