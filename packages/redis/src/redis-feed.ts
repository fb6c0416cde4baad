/**
 * The live feed of one RedisLog: one tail loop on a connection of its own (a blocking XREAD holds its
 * connection), reading the stream after the last position it delivered and handing every entry to the
 * listeners once, in position order. Entries this node appended come the same way, so every node
 * delivers one order. After a lost connection it reads on from where it was, so the subscribers of
 * this node get what they missed, in order.
 *
 * Positions have no holes: one position per stored entry. A feed that finds one (it lagged more than
 * the stream keeps for it, see FEED_SLACK_COUNT, or Redis lost data) counts the entries as `missed`
 * instead of skipping them silently.
 */
import { type FeedListener, FeedListeners, type LogEntry } from '@tidings/server';
import { FEED_BATCH_SIZE, FEED_BLOCK_MS, FEED_RETRY_MAX_MS, FEED_RETRY_MIN_MS } from './limits.js';
import { CommandFailure, monotonicNow, type RedisConnection } from './redis-connection.js';
import { decodeStreamEntry, positionOf } from './stream-entry.js';

/** What a RedisFeed reads and whom it tells. */
export interface RedisFeedOptions {
  /** A connection of its own: the blocking XREAD holds it. */
  readonly connection: RedisConnection;
  /** The stream key. */
  readonly stream: string;
  /** Milliseconds a read may take beyond its block time. */
  readonly commandTimeout: number;
  /** Called when the feed's health changes. */
  readonly onChange: () => void;
  /** Called with each position read, so the log knows the newest position it has seen. */
  readonly onPosition: (position: number) => void;
  /**
   * Called with each entry, in position order, before the listeners get it; returns the object they
   * get (the log's window of recent entries gives its own when it has that position already).
   */
  readonly onEntry: (entry: LogEntry) => LogEntry;
  /** Called when positions are skipped: they left the stream before the feed read them, or were not ours. */
  readonly onLost: () => void;
}

export class RedisFeed {
  readonly #connection: RedisConnection;
  readonly #stream: string;
  readonly #commandTimeout: number;
  readonly #onChange: () => void;
  readonly #onPosition: (position: number) => void;
  readonly #onEntry: (entry: LogEntry) => LogEntry;
  readonly #onLost: () => void;
  readonly #listeners = new FeedListeners();
  #cursor: number | null = null;
  #closed = false;
  #error: string | null = null;
  #catchingUp = false;
  #delivered = 0;
  #missed = 0;
  #loop: Promise<void> = Promise.resolve();
  #wake: (() => void) | null = null;

  constructor(options: RedisFeedOptions) {
    this.#connection = options.connection;
    this.#stream = options.stream;
    this.#commandTimeout = options.commandTimeout;
    this.#onChange = options.onChange;
    this.#onPosition = options.onPosition;
    this.#onEntry = options.onEntry;
    this.#onLost = options.onLost;
  }

  /** Starts the loop after `position` (the log's newest when this node first reached Redis). Once. */
  start(position: number): void {
    if (this.#cursor !== null || this.#closed) return;
    this.#cursor = position;
    this.#loop = this.#run();
  }

  /** The last position delivered (or the start), null before `start`. */
  get position(): number | null {
    return this.#cursor;
  }

  get delivered(): number {
    return this.#delivered;
  }

  get missed(): number {
    return this.#missed;
  }

  /** Why the feed is behind or not reading (safe to show), or null while it reads normally. */
  get problem(): string | null {
    if (!this.#connection.ready) return this.#connection.lastError ?? 'the feed is connecting';
    if (this.#error !== null) return this.#error;
    if (this.#catchingUp) return 'the feed is catching up';
    return null;
  }

  follow(listener: FeedListener): () => void {
    return this.#listeners.add(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
    this.#wake?.();
    // Not graceful: destroying the client ends the blocking XREAD at once.
    await this.#connection.close(false, 0);
    await this.#loop;
  }

  async #run(): Promise<void> {
    let delay = FEED_RETRY_MIN_MS;
    while (!this.#closed) {
      let reply: unknown;
      try {
        reply = await this.#connection.send(
          [
            'XREAD',
            'COUNT',
            String(FEED_BATCH_SIZE),
            'BLOCK',
            String(FEED_BLOCK_MS),
            'STREAMS',
            this.#stream,
            `${this.#cursor}-0`,
          ],
          monotonicNow() + FEED_BLOCK_MS + this.#commandTimeout,
        );
      } catch (error) {
        if (this.#closed) return;
        // A lost connection shows in `problem` until it is back; only an error Redis answered (the
        // stream key holds something else, say) is kept until a read succeeds.
        if (error instanceof CommandFailure && error.outcome === 'refused') this.#error = error.message;
        this.#onChange();
        await this.#pause(delay);
        delay = Math.min(delay * 2, FEED_RETRY_MAX_MS);
        continue;
      }
      delay = FEED_RETRY_MIN_MS;
      const entries = streamEntries(reply);
      const catchingUp = entries.length >= FEED_BATCH_SIZE;
      const changed = this.#error !== null || catchingUp !== this.#catchingUp;
      this.#error = null;
      this.#catchingUp = catchingUp;
      for (const raw of entries) {
        if (this.#closed) return;
        this.#deliver(raw);
      }
      if (changed) this.#onChange();
    }
  }

  /** Waits `ms`, or less: until the connection is ready again, or the feed closes. */
  #pause(ms: number): Promise<void> {
    if (!this.#connection.ready) return this.#connection.waitReady(ms);
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }

  #deliver(raw: unknown): void {
    const cursor = this.#cursor ?? 0;
    let entry: LogEntry;
    try {
      entry = decodeStreamEntry(raw);
    } catch {
      // Not an entry this log wrote (another program wrote to its keys): step over it, counted.
      const position = Array.isArray(raw) && typeof raw[0] === 'string' ? safePosition(raw[0]) : null;
      if (position !== null && position > cursor) {
        this.#missed += position - cursor;
        this.#cursor = position;
        this.#onLost();
      }
      return;
    }
    if (entry.position <= cursor) return;
    if (entry.position > cursor + 1) {
      this.#missed += entry.position - cursor - 1;
      this.#onLost();
    }
    this.#cursor = entry.position;
    this.#delivered++;
    this.#onPosition(entry.position);
    this.#listeners.emit(this.#onEntry(entry));
  }
}

function safePosition(streamId: string): number | null {
  try {
    return positionOf(streamId);
  } catch {
    return null;
  }
}

/** The raw entries of an XREAD reply on one stream (RESP2): null, or [[key, [entry, …]]]. */
function streamEntries(reply: unknown): unknown[] {
  if (!Array.isArray(reply)) return [];
  const first: unknown = reply[0];
  if (!Array.isArray(first) || !Array.isArray(first[1])) return [];
  return first[1];
}
