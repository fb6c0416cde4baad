/**
 * A window of a log's newest entries, in position order, in memory, for logs whose store is elsewhere
 * (@tidings/sqlite, @tidings/redis): reads inside it need no query and return the same entry objects,
 * whose encoding is then made once for every replay (entry-encoding.ts caches it per object). A
 * reconnect storm replays the newest entries to many clients at once: from the store, every client paid
 * for a query, new objects and a new encoding of each event (bench/replay-storm.mjs: SQLite took 3.55 s
 * for 1,000 clients, 0.55 s with the window).
 *
 * The owner keeps it exact: it pushes every entry in position order with none missing since the first
 * (clearing it otherwise), and drops what the store trims.
 */
import type { LogEntry } from './event-log.js';

export class RecentEntries {
  readonly #maxCount: number;
  readonly #maxBytes: number;
  #entries: LogEntry[] = [];
  #head = 0;
  #bytes = 0;

  constructor(maxCount: number, maxBytes: number) {
    this.#maxCount = maxCount;
    this.#maxBytes = maxBytes;
  }

  get size(): number {
    return this.#entries.length - this.#head;
  }

  /** Adds an entry just committed (positions only grow); the oldest leave past the bounds. */
  push(entry: LogEntry): void {
    if (this.#maxCount === 0) return;
    this.#entries.push(entry);
    this.#bytes += entry.size;
    while (this.size > this.#maxCount || (this.#bytes > this.#maxBytes && this.size > 1)) this.#dropOne();
    this.#compact();
  }

  /** Forgets the entries at or before `position` (the store trimmed them). */
  dropThrough(position: number): void {
    while (this.size > 0 && this.#entries[this.#head]!.position <= position) this.#dropOne();
    this.#compact();
  }

  /**
   * Up to `limit` entries after `after`, or null when the window cannot say: it does not reach back to
   * the entry just after `after` (then the database answers).
   */
  read(after: number, limit: number): LogEntry[] | null {
    const first = this.#entries[this.#head];
    if (first === undefined || after + 1 < first.position) return null;
    // Binary search for the first entry after `after`.
    let low = this.#head;
    let high = this.#entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#entries[middle]!.position <= after) low = middle + 1;
      else high = middle;
    }
    return this.#entries.slice(low, low + limit);
  }

  clear(): void {
    this.#entries = [];
    this.#head = 0;
    this.#bytes = 0;
  }

  #dropOne(): void {
    this.#bytes -= this.#entries[this.#head]!.size;
    this.#head++;
  }

  #compact(): void {
    if (this.#head >= 1024 && this.#head * 2 >= this.#entries.length) {
      this.#entries = this.#entries.slice(this.#head);
      this.#head = 0;
    }
  }
}
