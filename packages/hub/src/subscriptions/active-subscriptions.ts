/**
 * The hub's active subscriptions (draft-08 "Active Subscriptions"), one source for the events, the API
 * and the dashboard:
 * - A connect publishes one `active: true` subscription event per topic matcher of the subscriber, a
 *   disconnect the `active: false` ones: private updates of type `mercure` through the update pipeline,
 *   so they are in the event log (replayable, and fed to every node of a cluster).
 * - The snapshot the API serves is derived from the log alone: at start from the kept history, then
 *   from the feed. So every node shows every node's subscriptions, and the snapshot matches exactly the
 *   events up to the last event id the API names: a client subscribing from that id misses nothing.
 * - A node that dies without publishing its disconnects must not leave subscriptions active forever:
 *   while it holds subscriptions, a node publishes a heartbeat event; a node not heard from for
 *   SUBSCRIPTION_MISSED_HEARTBEATS heartbeats is expired by the others, which publish `active: false`
 *   for its subscriptions (with an event id derived from the connect event's, so several nodes
 *   expiring the same subscription store one event). A live node that finds its own subscriptions
 *   expired (it lost the log for a while) announces them again.
 */
import { createHash } from 'node:crypto';
import type { EventLog } from '@tidings/server';
import { SNAPSHOT_READ_PAGE, SUBSCRIPTION_MISSED_HEARTBEATS } from '../limits.js';
import type { Update } from '../log/update.js';
import type { UpdatePipeline } from '../log/update-pipeline.js';
import { describeError, type Logger } from '../logger.js';
import type { Subscriber } from '../subscribe/subscriber-registry.js';
import { newSubscriberId } from './subscriber-id.js';
import { readSubscriptionDocument, type SubscriptionDocument, subscriptionDocument } from './subscription-document.js';
import type { ResolvedSubscriptions } from './subscription-options.js';
import { expandVariable, matchTypeOf } from './subscription-topic.js';

/** [spec] draft-08: the SSE event type of every event the hub generates. */
export const HUB_EVENT_TYPE = 'mercure';

/** Topic of a node's heartbeats: in the reserved namespace, outside the subscriptions tree. */
export const NODES_PATH = '/.well-known/mercure/nodes';

interface Known {
  readonly doc: SubscriptionDocument;
  /** Id of the event that made it active: the seed of its expiry event's id. */
  readonly eventId: string;
}

interface Local {
  readonly docs: readonly SubscriptionDocument[];
  /** This subscriber's publishes, in order: a disconnect is appended after its connect. */
  chain: Promise<void>;
}

export class ActiveSubscriptions {
  /** This node's id, carried by its events (`node`) and heartbeats. */
  readonly node = newSubscriberId();
  readonly #pipeline: UpdatePipeline;
  readonly #logger: Logger;
  readonly #heartbeatMs: number;
  readonly #known = new Map<string, Known>();
  /** When each other node was last heard from (milliseconds since the epoch). */
  readonly #lastHeard = new Map<string, number>();
  readonly #local = new Map<Subscriber, Local>();
  /** Ids of this node's active subscriptions, to notice them expired by others. */
  readonly #localIds = new Map<string, SubscriptionDocument>();
  readonly #inFlight = new Set<Promise<unknown>>();
  #lastEventId: string | null = null;
  /** Feed entries that arrive while the history is read; null once it has been. */
  #buffered: Update[] | null = [];
  #closed = false;
  readonly #stopFeed: () => void;
  readonly #timer: ReturnType<typeof setInterval>;
  /** Resolves once the snapshot holds the kept history. */
  readonly ready: Promise<void>;

  constructor(log: EventLog, pipeline: UpdatePipeline, logger: Logger, settings: ResolvedSubscriptions) {
    this.#pipeline = pipeline;
    this.#logger = logger;
    this.#heartbeatMs = settings.heartbeatMs;
    this.#stopFeed = pipeline.onUpdate((update) => {
      if (this.#buffered !== null) this.#buffered.push(update);
      else this.#apply(update);
    });
    this.ready = this.#load(log);
    this.#timer = setInterval(() => this.#tick(), this.#heartbeatMs);
    this.#timer.unref();
  }

  /** The id of the last event the snapshot includes, or null when the log has none. */
  get lastEventId(): string | null {
    return this.#lastEventId;
  }

  /** The active subscriptions, in the order they became known. */
  list(): SubscriptionDocument[] {
    return [...this.#known.values()].map((known) => known.doc);
  }

  get(id: string): SubscriptionDocument | undefined {
    return this.#known.get(id)?.doc;
  }

  /** Publishes the `active: true` events of a subscriber that has just connected. */
  connected(subscriber: Subscriber): void {
    if (this.#closed || this.#local.has(subscriber)) return;
    const id = newSubscriberId();
    const docs = subscriber.selectors.map((selector) =>
      subscriptionDocument(matchTypeOf(selector), selector.source, id, true, subscriber.grants.payload, this.node),
    );
    const local: Local = { docs, chain: Promise.resolve() };
    this.#local.set(subscriber, local);
    for (const doc of docs) this.#localIds.set(doc.id, doc);
    this.#enqueue(local, docs);
  }

  /** Publishes the `active: false` events of a subscriber that has gone. */
  disconnected(subscriber: Subscriber): void {
    const local = this.#local.get(subscriber);
    if (local === undefined) return;
    this.#local.delete(subscriber);
    for (const doc of local.docs) this.#localIds.delete(doc.id);
    this.#enqueue(
      local,
      local.docs.map((doc) => ({ ...doc, active: false })),
    );
  }

  /** Publishes the disconnects of every local subscriber and waits for them: call before the log closes. */
  async close(): Promise<void> {
    if (this.#closed) return;
    for (const subscriber of [...this.#local.keys()]) this.disconnected(subscriber);
    this.#closed = true;
    clearInterval(this.#timer);
    await Promise.allSettled([...this.#inFlight]);
    this.#stopFeed();
  }

  #enqueue(local: Local, docs: readonly SubscriptionDocument[]): void {
    const run = local.chain.then(async () => {
      for (const doc of docs) await this.#publish(doc);
    });
    local.chain = run;
    this.#track(run);
  }

  #track(promise: Promise<unknown>): void {
    this.#inFlight.add(promise);
    void promise.finally(() => this.#inFlight.delete(promise));
  }

  async #publish(doc: SubscriptionDocument, id?: string): Promise<void> {
    try {
      await this.#pipeline.publish({
        topics: [doc.id],
        data: JSON.stringify(doc),
        private: true,
        event: HUB_EVENT_TYPE,
        ...(id !== undefined && { id }),
      });
    } catch (error) {
      // The subscriber is served all the same; the snapshot misses this change until the node re-announces.
      this.#logger.warn('subscription event not stored', { error: describeError(error) });
    }
  }

  async #load(log: EventLog): Promise<void> {
    let after = 0;
    try {
      for (;;) {
        const page = await log.read(after, SNAPSHOT_READ_PAGE);
        for (const entry of page.entries) {
          this.#apply(entry);
          after = entry.position;
        }
        if (page.entries.length < SNAPSHOT_READ_PAGE) break;
      }
    } catch (error) {
      this.#logger.warn('subscription snapshot: history not read', { error: describeError(error) });
    }
    const buffered = this.#buffered ?? [];
    this.#buffered = null;
    for (const entry of buffered) if (entry.position > after) this.#apply(entry);
  }

  #apply(update: Update): void {
    this.#lastEventId = update.id;
    if (update.event !== HUB_EVENT_TYPE) return;
    const doc = readSubscriptionDocument(update.data);
    if (doc === null) {
      const node = readHeartbeat(update.data);
      if (node !== null && node !== this.node) this.#lastHeard.set(node, Date.now());
      return;
    }
    if (doc.node !== this.node) this.#lastHeard.set(doc.node, Date.now());
    if (doc.active) {
      this.#known.set(doc.id, { doc, eventId: update.id });
      return;
    }
    this.#known.delete(doc.id);
    // Expired by another node while this one still serves it: say again that it is active.
    const mine = doc.node === this.node ? this.#localIds.get(doc.id) : undefined;
    // After this feed delivery has reached every listener: a log may feed the new event synchronously.
    if (mine !== undefined && !this.#closed) this.#track(Promise.resolve().then(() => this.#publish(mine)));
  }

  #tick(): void {
    if (this.#closed) return;
    if (this.#local.size > 0) this.#track(this.#heartbeat());
    const deadline = Date.now() - this.#heartbeatMs * SUBSCRIPTION_MISSED_HEARTBEATS;
    const gone = new Set<string>();
    for (const [node, heard] of this.#lastHeard) if (heard < deadline) gone.add(node);
    if (gone.size === 0) return;
    for (const node of gone) this.#lastHeard.delete(node);
    for (const [id, known] of [...this.#known]) {
      if (!gone.has(known.doc.node)) continue;
      this.#known.delete(id);
      this.#logger.info('subscription expired: its node stopped sending heartbeats');
      this.#track(this.#publish({ ...known.doc, active: false }, expiryEventId(known.eventId)));
    }
  }

  async #heartbeat(): Promise<void> {
    try {
      await this.#pipeline.publish({
        topics: [`${NODES_PATH}/${expandVariable(this.node)}`],
        data: JSON.stringify({ type: 'node', node: this.node, active: true }),
        private: true,
        event: HUB_EVENT_TYPE,
      });
    } catch (error) {
      this.#logger.warn('subscription heartbeat not stored', { error: describeError(error) });
    }
  }
}

/** One id for the expiry of one activation, whichever node publishes it: the log stores it once. */
function expiryEventId(activationId: string): string {
  return `urn:tidings:expired:${createHash('sha256').update(activationId).digest('hex').slice(0, 32)}`;
}

function readHeartbeat(data: string): string | null {
  try {
    const value = JSON.parse(data) as { type?: unknown; node?: unknown };
    return value.type === 'node' && typeof value.node === 'string' ? value.node : null;
  } catch {
    return null;
  }
}
