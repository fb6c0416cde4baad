/**
 * The hub's counters, read by /metrics (Prometheus text format 0.0.4) and by `hub.stats()`.
 */
import { PUBLISH_LATENCY_BUCKETS } from './limits.js';

export class HubMetrics {
  subscribers = 0;
  subscriptionsOpened = 0;
  updatesPublished = 0;
  eventsDelivered = 0;
  slowDisconnects = 0;
  readonly publishRejected = new Map<number, number>();
  readonly #buckets = PUBLISH_LATENCY_BUCKETS.map(() => 0);
  #latencySum = 0;
  #latencyCount = 0;

  observePublish(seconds: number): void {
    for (let i = 0; i < PUBLISH_LATENCY_BUCKETS.length; i++) {
      if (seconds <= PUBLISH_LATENCY_BUCKETS[i]!) this.#buckets[i]!++;
    }
    this.#latencySum += seconds;
    this.#latencyCount++;
  }

  rejectPublish(status: number): void {
    this.publishRejected.set(status, (this.publishRejected.get(status) ?? 0) + 1);
  }

  /** The Prometheus exposition text. */
  render(historySize: number | null): string {
    const lines: string[] = [];
    const metric = (name: string, type: string, help: string, samples: [string, number][]) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
    };
    metric('tidings_subscribers', 'gauge', 'Subscribers connected now.', [['', this.subscribers]]);
    metric('tidings_subscriptions_total', 'counter', 'Subscriber connections opened.', [
      ['', this.subscriptionsOpened],
    ]);
    metric('tidings_updates_published_total', 'counter', 'Updates accepted by the hub.', [['', this.updatesPublished]]);
    metric('tidings_events_delivered_total', 'counter', 'Events written to subscribers, replays included.', [
      ['', this.eventsDelivered],
    ]);
    metric('tidings_slow_subscriber_disconnects_total', 'counter', 'Subscribers disconnected for not reading.', [
      ['', this.slowDisconnects],
    ]);
    metric(
      'tidings_publish_rejected_total',
      'counter',
      'Publish requests refused, by HTTP status.',
      [...this.publishRejected].sort(([a], [b]) => a - b).map(([status, n]) => [`{status="${status}"}`, n]),
    );
    if (historySize !== null)
      metric('tidings_history_updates', 'gauge', 'Updates kept for replay.', [['', historySize]]);
    const name = 'tidings_publish_duration_seconds';
    lines.push(`# HELP ${name} Time from a publish request's arrival to its answer.`, `# TYPE ${name} histogram`);
    for (const [i, bound] of PUBLISH_LATENCY_BUCKETS.entries()) {
      lines.push(`${name}_bucket{le="${bound}"} ${this.#buckets[i]}`);
    }
    lines.push(`${name}_bucket{le="+Inf"} ${this.#latencyCount}`);
    lines.push(`${name}_sum ${this.#latencySum}`, `${name}_count ${this.#latencyCount}`);
    return `${lines.join('\n')}\n`;
  }
}
