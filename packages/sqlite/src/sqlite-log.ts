/**
 * A durable event log in one SQLite file (WAL): entries survive restarts and crashes, positions are never
 * reused, and appends are committed before they resolve. One process owns the file (it holds SQLite's
 * exclusive lock while open), so the feed is this process's own appends and the counters can live in
 * memory, mirrored in the `meta` table by the transaction that changes them.
 *
 * Both drivers (sqlite-driver.ts) are synchronous: each method does its work in full before its promise
 * settles, which also keeps appends in call order, and the feed in position order, without a queue.
 */
import {
  checkEventFields,
  checkRead,
  type EventFields,
  type EventLog,
  EventLogError,
  entrySize,
  type FeedListener,
  FeedListeners,
  type LogEntry,
  type LogHealth,
  type LogMark,
  MAX_EVENT_ID_LENGTH,
  RECENT_ENTRIES_MAX_BYTES,
  RECENT_ENTRIES_MAX_COUNT,
  type ReadPage,
  RecentEntries,
  type ResolvedLogLimits,
  toLogEntry,
} from '@tidings/server';
import { type EntryParams, type EntryRow, entryParams, rowToEntry, storedFields, wellFormed } from './entry-row.js';
import { openDatabase } from './open-database.js';
import { type LogCounters, META } from './schema.js';
import type { SqliteConnection, SqliteDriverName, SqliteStatement } from './sqlite-driver.js';
import { describeFailure, isEventTooBig, toEventLogError } from './sqlite-failure.js';
import { resolveSqliteLogOptions, type SqliteLogOptions, type SqliteSynchronous } from './sqlite-log-options.js';
import { inTransaction } from './transaction.js';

/**
 * Oldest rows fetched per step while trimming. The first step is small because an append usually trims
 * one entry or none; later steps grow so a large trim (after reopening with smaller limits) takes few
 * queries, and stop growing so one step's memory stays bounded.
 */
const TRIM_FIRST_BATCH = 8;
const TRIM_MAX_BATCH = 1024;

const UP: LogHealth = { state: 'up', error: null, feedLag: 0 };
const CLOSED: LogHealth = { state: 'down', error: 'closed', feedLag: 0 };

type OldestRow = Pick<EntryRow, 'position' | 'size' | 'published_at'>;

interface Statements {
  insert: SqliteStatement<EntryParams, never>;
  oldest: SqliteStatement<[number, number], OldestRow>;
  deleteThrough: SqliteStatement<[number], never>;
  setMeta: SqliteStatement<[number, string], never>;
  read: SqliteStatement<[number, number], EntryRow>;
  lookup: SqliteStatement<[string], Pick<EntryRow, 'position'>>;
  earliest: SqliteStatement<[], LogMark>;
  latest: SqliteStatement<[], LogMark>;
}

/** The last failure, and whether it was a write: a read that works again says nothing about writes. */
interface Failure {
  readonly text: string;
  readonly write: boolean;
}

export class SqliteLog implements EventLog {
  readonly limits: ResolvedLogLimits;
  readonly synchronous: SqliteSynchronous;
  /** The driver that opened the file (`SqliteLogOptions.driver`, or the default for this Node). */
  readonly driver: SqliteDriverName;
  readonly #db: SqliteConnection;
  readonly #release: () => void;
  readonly #statements: Statements;
  readonly #append: (
    fields: EventFields,
    size: number,
    now: number,
  ) => { entry: LogEntry; counters: LogCounters } | null;
  readonly #trim: (now: number) => LogCounters;
  #counters: LogCounters;
  /** The newest entries, in memory: reads inside them need no SQL (recent-entries.ts). */
  readonly #recent: RecentEntries;
  readonly #listeners = new FeedListeners();
  #failure: Failure | null = null;
  #closed = false;

  /**
   * Opens (or creates) the file and locks it for this process. Throws a TypeError for bad options, and an
   * EventLogError ('LOG_UNAVAILABLE') when the file cannot be used: another process has it open, it is
   * not an event log of this schema version, or the disk failed.
   */
  constructor(options: SqliteLogOptions) {
    const resolved = resolveSqliteLogOptions(options);
    this.limits = resolved.limits;
    this.synchronous = resolved.synchronous;
    const { db, driver, counters, release } = openDatabase(
      resolved.path,
      resolved.synchronous,
      resolved.busyTimeout,
      resolved.driver,
    );
    this.#db = db;
    this.#release = release;
    this.driver = driver;
    this.#counters = counters;
    this.#recent = new RecentEntries(
      Math.min(this.limits.maxCount, RECENT_ENTRIES_MAX_COUNT),
      Math.min(this.limits.maxBytes, RECENT_ENTRIES_MAX_BYTES),
    );
    this.#statements = {
      // ON CONFLICT (id) DO NOTHING: the uniqueness check and the write are one step; a duplicate
      // changes no row (and so takes no position).
      insert: db.prepare<EntryParams, never>(
        `INSERT INTO entries (id, topics, data, type, retry, private, published_at, size)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
      ),
      oldest: db.prepare<[number, number], OldestRow>(
        'SELECT position, size, published_at FROM entries WHERE position > ? ORDER BY position LIMIT ?',
      ),
      deleteThrough: db.prepare<[number], never>('DELETE FROM entries WHERE position <= ?'),
      setMeta: db.prepare<[number, string], never>('UPDATE meta SET value = ? WHERE key = ?'),
      read: db.prepare<[number, number], EntryRow>(
        `SELECT position, id, topics, data, type, retry, private, published_at, size
         FROM entries WHERE position > ? ORDER BY position LIMIT ?`,
      ),
      lookup: db.prepare<[string], Pick<EntryRow, 'position'>>('SELECT position FROM entries WHERE id = ?'),
      earliest: db.prepare<[], LogMark>('SELECT position, id FROM entries ORDER BY position LIMIT 1'),
      latest: db.prepare<[], LogMark>('SELECT position, id FROM entries ORDER BY position DESC LIMIT 1'),
    };
    this.#append = (fields, size, now) =>
      inTransaction(db, () => {
        const inserted = this.#statements.insert.run(...entryParams(fields, size));
        if (inserted.changes === 0) return null;
        const entry = toLogEntry(fields, inserted.lastInsertRowid, size);
        const { count, bytes, trimmedThrough } = this.#counters;
        const counters = this.#trimIn({ count: count + 1, bytes: bytes + size, trimmedThrough }, now);
        return { entry, counters };
      });
    this.#trim = (now) => inTransaction(db, () => this.#trimIn(this.#counters, now));
  }

  /** Entries kept now. */
  get size(): number {
    return this.#counters.count;
  }

  /** Total `size` of the entries kept now, in bytes. */
  get bytes(): number {
    return this.#counters.bytes;
  }

  async append(fields: EventFields): Promise<LogEntry | null> {
    this.#check();
    checkEventFields(fields);
    const stored = storedFields(fields);
    const size = entrySize(stored);
    const result = this.#write(() => this.#append(stored, size, Date.now()));
    if (result === null) return null;
    // Only now, after the commit: a rolled-back transaction must leave the counters as they were.
    this.#recent.push(result.entry);
    this.#setCounters(result.counters);
    this.#listeners.emit(result.entry);
    return result.entry;
  }

  async read(after: number, limit: number): Promise<ReadPage> {
    this.#check();
    checkRead(after, limit);
    this.#trimLazily();
    const gap = after < this.#counters.trimmedThrough;
    const recent = this.#recent.read(after, limit);
    if (recent !== null) return { entries: recent, gap };
    const rows = this.#query(() => this.#statements.read.all(after, limit));
    return { entries: rows.map(rowToEntry), gap };
  }

  async lookup(id: string): Promise<number | null> {
    this.#check();
    // No id longer than this can be stored; the bound keeps a lookup of a hostile Last-Event-ID cheap.
    if (typeof id !== 'string' || id.length > MAX_EVENT_ID_LENGTH) return null;
    this.#trimLazily();
    return this.#query(() => this.#statements.lookup.get(wellFormed(id)))?.position ?? null;
  }

  async earliest(): Promise<LogMark | null> {
    this.#check();
    this.#trimLazily();
    return this.#query(() => this.#statements.earliest.get()) ?? null;
  }

  async latest(): Promise<LogMark | null> {
    this.#check();
    this.#trimLazily();
    return this.#query(() => this.#statements.latest.get()) ?? null;
  }

  follow(listener: FeedListener): () => void {
    this.#check();
    return this.#listeners.add(listener);
  }

  async trim(): Promise<number> {
    this.#check();
    return this.#trimNow();
  }

  health(): LogHealth {
    if (this.#closed) return CLOSED;
    return this.#failure === null ? UP : { state: 'down', error: this.#failure.text, feedLag: 0 };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#listeners.clear();
    this.#recent.clear();
    // Closing checkpoints the WAL into the database file and releases the lock.
    try {
      this.#db.close();
    } finally {
      this.#release();
    }
  }

  #check(): void {
    if (this.#closed) throw new EventLogError('LOG_CLOSED', 'the event log is closed');
  }

  /** Runs a write; a failure marks the log down until a write succeeds again. */
  #write<T>(work: () => T): T {
    return this.#run(true, work);
  }

  /** Runs a read; a failure marks the log down until some work succeeds again. */
  #query<T>(work: () => T): T {
    return this.#run(false, work);
  }

  #run<T>(write: boolean, work: () => T): T {
    let result: T;
    try {
      result = work();
    } catch (error) {
      // An event too big to store is the caller's fault, not the store's: the log stays up.
      if (!isEventTooBig(error)) this.#failure = { text: describeFailure(error), write };
      throw toEventLogError(error);
    }
    if (this.#failure !== null && (write || !this.#failure.write)) this.#failure = null;
    return result;
  }

  /** Takes the counters of a committed change; what the database trimmed leaves the window too. */
  #setCounters(counters: LogCounters): void {
    this.#counters = counters;
    this.#recent.dropThrough(counters.trimmedThrough);
  }

  #trimNow(): number {
    if (!this.#overLimits()) return 0;
    const before = this.#counters.count;
    this.#setCounters(this.#write(() => this.#trim(Date.now())));
    return before - this.#counters.count;
  }

  /**
   * The trim before a read (entries age while nobody appends). It is best effort: a full disk, which can
   * fail the delete, must not also stop replays; the failure shows in health() and the next trim retries.
   */
  #trimLazily(): void {
    try {
      this.#trimNow();
    } catch (error) {
      if (!(error instanceof EventLogError)) throw error;
    }
  }

  /** Whether a trim might drop something; false skips the trim's queries (and transaction). */
  #overLimits(): boolean {
    const { maxCount, maxBytes, maxAge } = this.limits;
    const { count, bytes } = this.#counters;
    return count > maxCount || bytes > maxBytes || (maxAge !== null && count > 1);
  }

  /**
   * Drops entries over the count, byte and age limits, oldest first, stopping at the first entry within
   * all of them; the newest stays unless maxCount is 0 (the rules of MemoryLog). Runs inside a
   * transaction and answers the new counters, which the caller adopts after the commit.
   */
  #trimIn(counters: LogCounters, now: number): LogCounters {
    const { maxCount, maxBytes, maxAge } = this.limits;
    const cutoff = maxAge === null ? null : now - maxAge;
    const keep = maxCount === 0 ? 0 : 1;
    let { count, bytes } = counters;
    let through = counters.trimmedThrough;
    let batch = TRIM_FIRST_BATCH;
    scan: while (count > keep) {
      const rows = this.#statements.oldest.all(through, batch);
      if (rows.length === 0) break; // the counters say more than the table holds; never trim past it
      for (const row of rows) {
        const over = count > maxCount || bytes > maxBytes || (cutoff !== null && row.published_at < cutoff);
        if (count <= keep || !over) break scan;
        count--;
        bytes -= row.size;
        through = row.position;
      }
      batch = Math.min(batch * 2, TRIM_MAX_BATCH);
    }
    if (through !== counters.trimmedThrough) {
      this.#statements.deleteThrough.run(through);
      this.#statements.setMeta.run(through, META.trimmedThrough);
    }
    if (count !== this.#counters.count) this.#statements.setMeta.run(count, META.count);
    if (bytes !== this.#counters.bytes) this.#statements.setMeta.run(bytes, META.bytes);
    return { count, bytes, trimmedThrough: through };
  }
}
