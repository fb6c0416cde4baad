/**
 * The default event log: entries in one array in position order, an index from id to position, trimmed
 * from the front. Append and trim are O(1) amortized; a read is O(limit) (positions index the array).
 * Nothing survives the process and nothing is shared with other processes: for that, use
 * @tidings/sqlite or @tidings/redis.
 */
import { entrySize } from './entry-encoding.js';
import { EventLogError } from './errors.js';
import type {
  EventFields,
  EventLog,
  FeedListener,
  LogEntry,
  LogHealth,
  LogLimits,
  LogMark,
  ReadPage,
} from './event-log.js';
import { FeedListeners } from './feed-listeners.js';
import { checkEventFields, checkRead, toLogEntry } from './log-arguments.js';
import { type ResolvedLogLimits, resolveLogLimits } from './log-limits.js';

/** The array is compacted once this many trimmed slots are at its front (and they are half of it). */
const COMPACT_AFTER = 1024;

const UP: LogHealth = { state: 'up', error: null, feedLag: 0 };

export class MemoryLog implements EventLog {
  readonly limits: ResolvedLogLimits;
  #entries: LogEntry[] = [];
  /** Index in #entries of the oldest kept entry. */
  #head = 0;
  /** Position of the next entry appended. */
  #next = 1;
  /** Every position up to this one has been trimmed (0: none). */
  #trimmedThrough = 0;
  #bytes = 0;
  readonly #positions = new Map<string, number>();
  readonly #listeners = new FeedListeners();
  #closed = false;

  /** Throws a TypeError for bad limits. */
  constructor(limits?: LogLimits) {
    this.limits = resolveLogLimits(limits);
  }

  /** Entries kept now. */
  get size(): number {
    return this.#entries.length - this.#head;
  }

  /** Total `size` of the entries kept now, in bytes. */
  get bytes(): number {
    return this.#bytes;
  }

  async append(fields: EventFields): Promise<LogEntry | null> {
    this.#check();
    checkEventFields(fields);
    if (this.#positions.has(fields.id)) return null;
    const entry = toLogEntry(fields, this.#next++, entrySize(fields));
    this.#entries.push(entry);
    this.#positions.set(entry.id, entry.position);
    this.#bytes += entry.size;
    this.#trimNow(Date.now());
    this.#listeners.emit(entry);
    return entry;
  }

  async read(after: number, limit: number): Promise<ReadPage> {
    this.#check();
    checkRead(after, limit);
    this.#trimNow(Date.now());
    const first = this.#entries[this.#head]?.position ?? this.#next;
    const start = this.#head + Math.max(0, after + 1 - first);
    return { entries: this.#entries.slice(start, start + limit), gap: after < this.#trimmedThrough };
  }

  async lookup(id: string): Promise<number | null> {
    this.#check();
    this.#trimNow(Date.now());
    return this.#positions.get(id) ?? null;
  }

  async earliest(): Promise<LogMark | null> {
    this.#check();
    this.#trimNow(Date.now());
    return mark(this.#entries[this.#head]);
  }

  async latest(): Promise<LogMark | null> {
    this.#check();
    this.#trimNow(Date.now());
    return mark(this.size > 0 ? this.#entries.at(-1) : undefined);
  }

  follow(listener: FeedListener): () => void {
    this.#check();
    return this.#listeners.add(listener);
  }

  async trim(): Promise<number> {
    this.#check();
    return this.#trimNow(Date.now());
  }

  health(): LogHealth {
    return this.#closed ? { state: 'down', error: 'closed', feedLag: 0 } : UP;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#entries = [];
    this.#head = 0;
    this.#positions.clear();
    this.#listeners.clear();
  }

  #check(): void {
    if (this.#closed) throw new EventLogError('LOG_CLOSED', 'the event log is closed');
  }

  /** Drops entries over the count, byte and age limits, oldest first; the newest stays unless maxCount is 0. */
  #trimNow(now: number): number {
    const { maxCount, maxBytes, maxAge } = this.limits;
    const cutoff = maxAge === null ? null : now - maxAge;
    const keep = maxCount === 0 ? 0 : 1;
    let removed = 0;
    while (this.size > keep) {
      const oldest = this.#entries[this.#head]!;
      const over = this.size > maxCount || this.#bytes > maxBytes || (cutoff !== null && oldest.publishedAt < cutoff);
      if (!over) break;
      this.#drop(oldest);
      removed++;
    }
    if (this.#head >= COMPACT_AFTER && this.#head * 2 >= this.#entries.length) {
      this.#entries = this.#entries.slice(this.#head);
      this.#head = 0;
    }
    return removed;
  }

  #drop(entry: LogEntry): void {
    this.#head++;
    this.#bytes -= entry.size;
    this.#trimmedThrough = entry.position;
    this.#positions.delete(entry.id);
  }
}

function mark(entry: LogEntry | undefined): LogMark | null {
  return entry === undefined ? null : { position: entry.position, id: entry.id };
}
