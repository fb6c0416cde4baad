/**
 * The path every accepted update takes, whoever published it (HTTP or `hub.publish()`): appended to the
 * history, encoded once, then written to every subscriber that wants it, or held for a subscriber whose
 * replay is still running so that replay and live join with no gap.
 */
import { encodeEvent } from '@tidings/protocol';
import { generateEventId } from './event-id.js';
import type { ResolvedHubOptions } from './hub-options.js';
import { HISTORY_TRIM_INTERVAL_SECONDS } from './limits.js';
import type { Logger } from './logger.js';
import type { HubMetrics } from './metrics.js';
import type { PublishFields } from './publish-request.js';
import type { Subscriber, SubscriberRegistry } from './subscriber-registry.js';
import type { Update } from './update.js';

export class UpdatePipeline {
  readonly #config: ResolvedHubOptions;
  readonly #registry: SubscriberRegistry;
  readonly #metrics: HubMetrics;
  readonly #log: Logger;
  readonly #listeners = new Set<(update: Update) => void>();
  /** Each update's event bytes, encoded once for every subscriber and every replay. */
  readonly #encoded = new WeakMap<Update, Uint8Array>();
  /** Publishes (and trims) run one after another, so store order, live order and replay order are the same. */
  #tail: Promise<unknown> = Promise.resolve();
  readonly #trimTimer: ReturnType<typeof setInterval> | undefined;

  constructor(config: ResolvedHubOptions, registry: SubscriberRegistry, metrics: HubMetrics, log: Logger) {
    this.#config = config;
    this.#registry = registry;
    this.#metrics = metrics;
    this.#log = log;
    const ttl = config.historyTtlMs;
    if (ttl !== null) {
      this.#trimTimer = setInterval(() => {
        const olderThan = Date.now() - ttl;
        this.#tail = this.#tail
          .then(() => config.store.trim({ olderThan }))
          .catch((error) => log.error('history trim failed', { error: String(error) }));
      }, HISTORY_TRIM_INTERVAL_SECONDS * 1000);
      this.#trimTimer.unref();
    }
  }

  /**
   * Makes an update of checked fields, stores it and delivers it. Resolves the update, or null when an
   * update with its id is already in the history; rejects when the store fails.
   */
  publish(fields: PublishFields): Promise<Update | null> {
    const update: Update = {
      id: fields.id ?? generateEventId(),
      topics: fields.topics,
      data: fields.data,
      private: fields.private,
      publishedAt: Date.now(),
      ...(fields.type !== undefined && { type: fields.type }),
      ...(fields.retry !== undefined && { retry: fields.retry }),
    };
    const result = this.#tail.then(async () => {
      const { store, historySize } = this.#config;
      if (historySize > 0) {
        if (!(await store.append(update))) return null;
        await store.trim({ maxCount: historySize });
      }
      this.#metrics.updatesPublished++;
      this.#registry.dispatch(update, (subscriber) => this.deliver(subscriber, update));
      for (const listener of this.#listeners) listener(update);
      return update;
    });
    this.#tail = result.catch(() => {});
    return result;
  }

  /** The update as event-stream bytes: id, event (when typed), retry (when given), data split into lines. */
  bytesOf(update: Update): Uint8Array {
    let bytes = this.#encoded.get(update);
    if (bytes === undefined) {
      const fields = { id: update.id, data: update.data, ...(update.type !== undefined && { event: update.type }) };
      bytes = encodeEvent(update.retry === undefined ? fields : { ...fields, retry: update.retry });
      this.#encoded.set(update, bytes);
    }
    return bytes;
  }

  /** Writes the update to the subscriber, or holds it while the subscriber's replay runs. */
  deliver(subscriber: Subscriber, update: Update): void {
    if (subscriber.pending !== null) {
      // Replay still runs: hold live updates so they follow the replayed ones without a gap.
      subscriber.pending.push(update);
      subscriber.pendingBytes += this.bytesOf(update).byteLength;
      if (subscriber.pendingBytes > this.#config.subscriberQueueBytes) {
        this.reportSlow('replay');
        subscriber.session?.close();
        this.#registry.delete(subscriber);
      }
      return;
    }
    subscriber.session?.write(this.bytesOf(update));
    this.#metrics.eventsDelivered++;
  }

  /**
   * Counts and logs a subscriber disconnected because its queue passed `subscriberQueueBytes`: while its
   * replay ran (held here) or live (its session's own buffer).
   */
  reportSlow(where: 'replay' | 'live'): void {
    this.#metrics.slowDisconnects++;
    this.#log.warn('slow subscriber disconnected', { where, queueBytes: this.#config.subscriberQueueBytes });
  }

  /** Calls `listener` with every update delivered; returns a remover. */
  onUpdate(listener: (update: Update) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stops trimming and waits for the publishes under way. */
  async close(): Promise<void> {
    if (this.#trimTimer !== undefined) clearInterval(this.#trimTimer);
    await this.#tail;
  }
}
