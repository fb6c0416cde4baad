/**
 * The event log: the one place that owns the order of events, their history and the live feed. The
 * Channel of this package and the hub both sit on it, so memory, SQLite (@tidings/sqlite) and Redis
 * Streams (@tidings/redis) are interchangeable; one shared test suite (test-support/event-log-suite.ts)
 * runs against each.
 *
 * Why the feed is part of the log: on several nodes, an event must reach every node's subscribers in
 * one order, and a reconnecting client must be replayed the same order on any node. If a node
 * delivered its own appends at once and learnt of the others' later, two nodes would see two orders.
 * So every delivery, local or remote, comes out of the feed, in position order.
 */

/** The fields of one event, as given to `append`. */
export interface EventFields {
  /**
   * The event id (`id:`), unique among the entries the log keeps: `append` refuses a duplicate. It is
   * what clients send back as `Last-Event-ID`, and `lookup` maps it to a position.
   */
  readonly id: string;
  /** Topics the event is about (the hub's canonical topic and alternates); may be empty. */
  readonly topics: readonly string[];
  /** The payload (`data:`); '' is an event with one empty data line. */
  readonly data: string;
  /** The event type (`event:`), when not the default `message`. */
  readonly event?: string;
  /** The reconnection time hint in milliseconds (`retry:`). */
  readonly retry?: number;
  /** Private events go only to subscribers allowed to see one of the topics (the hub decides who). */
  readonly private: boolean;
  /** When it was accepted, in milliseconds since the epoch (age trimming uses it). */
  readonly publishedAt: number;
}

/** One stored event. */
export interface LogEntry extends EventFields {
  /**
   * The log's own order: a safe integer, 1 for the first entry ever appended, strictly increasing
   * (memory: a counter; SQLite: the rowid; Redis: a counter kept with the stream). Nothing but
   * the log assigns it; a position is never reused, also after a restart of a durable log.
   */
  readonly position: number;
  /** Bytes the entry counts against `maxBytes`: its event-stream encoding (see `entrySize`). */
  readonly size: number;
}

/** One page of `read`. */
export interface ReadPage {
  /** Entries after the position asked for, oldest first; fewer than `limit` means the end was reached. */
  readonly entries: readonly LogEntry[];
  /**
   * True when entries after the position asked for were trimmed before they could be read: the reader
   * has missed some and must say so (the replay path signals `earliest` in band).
   */
  readonly gap: boolean;
}

/** The newest or oldest kept entry's position and id. */
export interface LogMark {
  readonly position: number;
  readonly id: string;
}

/** `up`: working. `degraded`: working, but the feed is catching up or retrying. `down`: appends fail. */
export type LogState = 'up' | 'degraded' | 'down';

export interface LogHealth {
  readonly state: LogState;
  /** What failed last, for logs and /healthz (never a password or a URL). Null while up. */
  readonly error: string | null;
  /** Entries in the log that this process's feed has not delivered yet (0 for in-process logs). */
  readonly feedLag: number;
}

/**
 * How much a log keeps. The newest entry is always kept (unless `maxCount` is 0), so a client that saw
 * it can resume without a false "earliest" after a quiet spell.
 */
export interface LogLimits {
  /** Entries kept; 0 keeps none (the feed still delivers). */
  maxCount?: number;
  /** Total `size` of the entries kept, in bytes. */
  maxBytes?: number;
  /** Milliseconds an entry is kept; null keeps entries until a count or byte limit trims them. */
  maxAge?: number | null;
}

/** Called with each entry of the feed, once, in position order. */
export type FeedListener = (entry: LogEntry) => void;

export interface EventLog {
  /**
   * Stores an event after every other one, and resolves the stored entry; resolves null, storing
   * nothing, when an entry with the same id is kept. The check and the write are one atomic step,
   * across every process that shares the log. Resolving means stored (committed, for durable logs):
   * answer a publisher only after it. Rejects with `EventLogError` ('LOG_UNAVAILABLE', 'LOG_CLOSED',
   * 'INVALID_EVENT'); a rejected event is never delivered later.
   */
  append(fields: EventFields): Promise<LogEntry | null>;
  /**
   * Up to `limit` entries with a position greater than `after` (0: from the oldest kept), oldest first.
   * Read the next page after the last position returned, never by looking an id up again.
   */
  read(after: number, limit: number): Promise<ReadPage>;
  /** The position of the kept entry with this id, or null when it is unknown or trimmed. */
  lookup(id: string): Promise<number | null>;
  /** The oldest kept entry, or null when none is kept. */
  earliest(): Promise<LogMark | null>;
  /** The newest kept entry, or null when none is kept. */
  latest(): Promise<LogMark | null>;
  /**
   * Calls `listener` with every entry appended from now on, by this process or any other sharing the
   * log, once each and in position order. Returns the function that stops it.
   */
  follow(listener: FeedListener): () => void;
  /** Applies the limits now (appends also trim); resolves how many entries went. */
  trim(): Promise<number>;
  /** The log's state now. */
  health(): LogHealth;
  /** Stops the feed and releases connections and files; later calls reject with 'LOG_CLOSED'. */
  close(): Promise<void>;
}
