/**
 * The path every accepted update takes, whoever published it (HTTP or `hub.publish()`) and on whichever
 * node: appended to the event log, then delivered from the log's feed to every subscriber that wants it.
 * Deliveries come only out of the feed, so every node delivers in the log's order, and an update is
 * delivered only once the log has stored it.
 */
import { type EventLog, EventLogError } from '@tidings/server';
import { HISTORY_TRIM_INTERVAL_MS } from '../limits.js';
import { describeError, type Logger } from '../logger.js';
import type { HubMetrics } from '../metrics.js';
import type { PublishFields } from '../publish/publish-request.js';
import type { SubscriberRegistry } from '../subscribe/subscriber-registry.js';
import { generateEventId } from './event-id.js';
import type { Update } from './update.js';

export class UpdatePipeline {
  readonly #log: EventLog;
  readonly #metrics: HubMetrics;
  readonly #logger: Logger;
  readonly #listeners = new Set<(update: Update) => void>();
  readonly #stopFeed: () => void;
  readonly #trimTimer: ReturnType<typeof setInterval>;

  constructor(log: EventLog, registry: SubscriberRegistry, metrics: HubMetrics, logger: Logger) {
    this.#log = log;
    this.#metrics = metrics;
    this.#logger = logger;
    this.#stopFeed = log.follow((update) => {
      metrics.eventsDelivered += registry.dispatch(update);
      for (const listener of this.#listeners) {
        try {
          listener(update);
        } catch (error) {
          // A listener's failure is its own: the update is stored and delivered all the same.
          logger.error('onUpdate listener threw', { error: describeError(error) });
        }
      }
    });
    // Appends trim by count and bytes; this applies the age limit while nothing is published.
    this.#trimTimer = setInterval(() => {
      log.trim().catch((error) => logger.warn('history trim failed', { error: describeError(error) }));
    }, HISTORY_TRIM_INTERVAL_MS);
    this.#trimTimer.unref();
  }

  /**
   * Makes an update of checked fields and appends it to the log. Resolves the stored update (delivered
   * from the feed right after), or null when an update with its id is already kept. Rejects with the
   * log's EventLogError when it cannot store it: then it is never delivered.
   */
  async publish(fields: PublishFields): Promise<Update | null> {
    try {
      const update = await this.#log.append({
        id: fields.id ?? generateEventId(),
        topics: fields.topics,
        data: fields.data,
        private: fields.private,
        publishedAt: Date.now(),
        ...(fields.event !== undefined && { event: fields.event }),
        ...(fields.retry !== undefined && { retry: fields.retry }),
      });
      if (update !== null) this.#metrics.updatesPublished++;
      return update;
    } catch (error) {
      if (error instanceof EventLogError && error.code === 'LOG_UNAVAILABLE') this.#metrics.logErrors++;
      throw error;
    }
  }

  /** Counts and logs a subscriber disconnected as slow: while its replay ran (held updates) or live. */
  reportSlow(where: 'replay' | 'live', queueBytes: number): void {
    this.#metrics.slowDisconnects++;
    this.#logger.warn('slow subscriber disconnected', { where, queueBytes });
  }

  /** Calls `listener` with every update the feed delivers (from any node); returns a remover. */
  onUpdate(listener: (update: Update) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stops following the log and trimming. */
  close(): void {
    this.#stopFeed();
    clearInterval(this.#trimTimer);
  }
}
