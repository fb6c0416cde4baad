/**
 * The default history store: updates in one array in append order, an index from id to position, and
 * trimming from the front. Appending and trimming are O(1) amortized; a read is O(updates after the id).
 */
import { StoreError } from './errors.js';
import type { HistoryStore, ReadOptions, ReadResult, TrimPolicy } from './history-store.js';
import type { Update } from './update.js';

/** The store compacts its array once this many trimmed slots are at its front (and they are half of it). */
const COMPACT_AFTER = 1024;

export class MemoryHistoryStore implements HistoryStore {
  #updates: (Update | undefined)[] = [];
  /** Index in #updates of the oldest kept update. */
  #head = 0;
  /** Absolute position (counted since the store was created) of #updates[0]. */
  #base = 0;
  readonly #positions = new Map<string, number>();
  #closed = false;

  /** Updates currently kept. */
  get size(): number {
    return this.#updates.length - this.#head;
  }

  #check(): void {
    if (this.#closed) throw new StoreError('CLOSED', 'the history store is closed');
  }

  async append(update: Update): Promise<boolean> {
    this.#check();
    if (this.#positions.has(update.id)) return false;
    this.#positions.set(update.id, this.#base + this.#updates.length);
    this.#updates.push(update);
    return true;
  }

  async readAfter(lastEventId: string | null, options: ReadOptions): Promise<ReadResult> {
    this.#check();
    const { filter, limit } = options;
    if (!Number.isSafeInteger(limit) || limit < 1) throw new TypeError('readAfter limit must be a positive integer');
    const position = lastEventId === null ? undefined : this.#positions.get(lastEventId);
    const found = position !== undefined;
    const updates: Update[] = [];
    let index = found ? position - this.#base + 1 : this.#head;
    for (; index < this.#updates.length && updates.length < limit; index++) {
      const update = this.#updates[index];
      if (update !== undefined && (filter === undefined || filter(update))) updates.push(update);
    }
    return { found, updates };
  }

  async trim(policy: TrimPolicy): Promise<number> {
    this.#check();
    const { maxCount, olderThan } = policy;
    let removed = 0;
    while (this.#head < this.#updates.length) {
      const oldest = this.#updates[this.#head]!;
      const tooMany = maxCount !== undefined && this.size > maxCount;
      const tooOld = olderThan !== undefined && oldest.publishedAt <= olderThan;
      if (!tooMany && !tooOld) break;
      // A reused id maps to its earliest position; forget it only if that is this one.
      if (this.#positions.get(oldest.id) === this.#base + this.#head) this.#positions.delete(oldest.id);
      this.#updates[this.#head++] = undefined;
      removed++;
    }
    if (this.#head >= COMPACT_AFTER && this.#head * 2 >= this.#updates.length) {
      this.#updates = this.#updates.slice(this.#head);
      this.#base += this.#head;
      this.#head = 0;
    }
    return removed;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#updates = [];
    this.#positions.clear();
  }
}
