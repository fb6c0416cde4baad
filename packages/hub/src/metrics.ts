/**
 * The hub's counters, read by /metrics (Prometheus text format 0.0.4) and by `hub.stats()`.
 */
import type { LogHealth } from '@tidings/server';
import { PUBLISH_LATENCY_BUCKETS } from './limits.js';

export class HubMetrics {
  subscribers = 0;
  subscriptionsOpened = 0;
  updatesPublished = 0;
  eventsDelivered = 0;
  slowDisconnects = 0;
  /** Appends the event log could not make (the publisher got 503). */
  logErrors = 0;
  /** Subscriptions that asked for a replay (sent a Last-Event-ID). */
  replays = 0;
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

  /** The Prometheus exposition text, with the event log's health. */
  render(log: LogHealth): string {
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
    metric('tidings_replays_total', 'counter', 'Subscriptions that asked for a replay (Last-Event-ID).', [
      ['', this.replays],
    ]);
    metric('tidings_log_up', 'gauge', 'Whether the event log works: 1 up, 0.5 degraded, 0 down.', [
      ['', log.state === 'up' ? 1 : log.state === 'degraded' ? 0.5 : 0],
    ]);
    metric('tidings_log_errors_total', 'counter', 'Publishes the event log could not store (answered 503).', [
      ['', this.logErrors],
    ]);
    metric('tidings_log_feed_lag_entries', 'gauge', "Entries in the log this node's live feed has not delivered yet.", [
      ['', log.feedLag],
    ]);
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
