import type { Session } from './session.js';

/** One broadcast event as kept for replay: serialized once, written as is. */
export interface HistoryEntry {
  /** Position in the channel, 1, 2, 3… with no holes. */
  readonly seq: number;
  readonly id: string;
  readonly bytes: Uint8Array;
  /** When it was broadcast (ms since the epoch). */
  readonly time: number;
  /** The broadcast's filter, applied again on replay so a session only gets what it would have live. */
  readonly filter: ((session: Session) => boolean) | null;
}

/**
 * The events of a channel, oldest first, bounded by count and by age. Entries are appended with
 * consecutive `seq` and leave only from the front, so `seq` indexes them directly.
 */
export class History {
  readonly #size: number;
  readonly #maxAge: number;
  #entries: HistoryEntry[] = [];
  #head = 0;
  readonly #byId = new Map<string, number>();

  constructor(size: number, maxAgeMs: number) {
    this.#size = size;
    this.#maxAge = maxAgeMs;
  }

  get length(): number {
    return this.#entries.length - this.#head;
  }

  /** The oldest entry's seq, or undefined when empty. */
  get firstSeq(): number | undefined {
    return this.#entries[this.#head]?.seq;
  }

  append(entry: HistoryEntry): void {
    this.#entries.push(entry);
    this.#byId.set(entry.id, entry.seq);
    if (this.length > this.#size) this.#evictOne();
    this.prune(entry.time);
  }

  /** Drops the entries older than maxAge at `now`. */
  prune(now: number): void {
    const cutoff = now - this.#maxAge;
    while (this.length > 0 && this.#entries[this.#head]!.time < cutoff) this.#evictOne();
  }

  /** The seq of the newest entry with this id, if it is still kept. */
  seqOf(id: string): number | undefined {
    return this.#byId.get(id);
  }

  get(seq: number): HistoryEntry | undefined {
    const first = this.firstSeq;
    return first === undefined ? undefined : this.#entries[this.#head + seq - first];
  }

  #evictOne(): void {
    const entry = this.#entries[this.#head]!;
    this.#head++;
    // A later event may reuse the id; only forget the id if it still points here.
    if (this.#byId.get(entry.id) === entry.seq) this.#byId.delete(entry.id);
    // Compact now and then, so the array does not grow with everything ever evicted.
    if (this.#head >= 1024 && this.#head * 2 >= this.#entries.length) {
      this.#entries = this.#entries.slice(this.#head);
      this.#head = 0;
    }
  }
}
