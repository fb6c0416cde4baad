/**
 * The newest entries of a shared log, in memory on each node, kept exact from the feed: a reconnect
 * storm replays the same recent pages to many clients at once, and read through Redis every client paid
 * for a round trip, for RESP decoding and for new objects whose encoding could not be shared
 * (bench/replay-storm.mjs: 4.85 s for 1,000 clients). Read from here, a page is a slice of objects that
 * every replay and the live feed share, encoded once (entry-encoding.ts caches per object).
 *
 * Why it can be exact on several nodes: positions have no holes (the append script gives seq + 1, see
 * lua-scripts.ts), and the feed hands this node every entry of the stream in position order. So the
 * window holds one contiguous run of positions, ending at the newest entry this node has seen:
 * - an entry enters only when its position is exactly the next after the window's newest; from the
 *   feed, anything else is a hole (the feed lost entries) and the window starts again from it; an
 *   append of this node that is not the next one is left for the feed to bring in order;
 * - an empty window takes this node's append only when it is the next after the feed's cursor, so a
 *   window that holds anything ends at or after the feed's cursor: a reader that follows the feed and
 *   then reads here gets the rest from the feed (LogSubscriber, the hub's subscription snapshot);
 * - what Redis is known to have trimmed leaves (`trimmedThrough`, from every reply that says so and
 *   the probe each second), and nothing at or below it enters.
 * What another node trimmed since this node last heard may still be served for that while: every entry
 * served is a real entry of the log, in order and without a hole, so a reader misses nothing by it (a
 * `gap` is about entries a reader could not get), it only receives an entry a little past its time.
 */
import { type LogEntry, RecentEntries } from '@tidings/server';

export class FeedWindow {
  readonly #entries: RecentEntries;
  /** The window's newest position; 0 while it is empty. */
  #newest = 0;
  /** The highest position Redis is known to have trimmed: nothing at or below it is kept. */
  #trimmed = 0;

  constructor(maxCount: number, maxBytes: number) {
    this.#entries = new RecentEntries(maxCount, maxBytes);
  }

  get size(): number {
    return this.#entries.size;
  }

  /**
   * An entry of the feed, which delivers in position order with `lost()` called for every hole.
   * Returns the object to hand to the feed's listeners: the window's own when it holds that position
   * already (this node's append got there first), so live delivery and replays share one encoding.
   */
  fed(entry: LogEntry): LogEntry {
    if (this.#newest !== 0 && entry.position <= this.#newest) return this.#at(entry.position) ?? entry;
    if (this.#newest !== 0 && entry.position !== this.#newest + 1) this.clear();
    this.#push(entry);
    return entry;
  }

  /**
   * An entry this node appended, as the append was given it; `feedCursor` is the last position the feed
   * delivered. Left for the feed when its text is not what Redis stores: a lone surrogate comes back as
   * U+FFFD (UTF-8 has no encoding for it), and every node must serve the entry as Redis has it.
   */
  appended(entry: LogEntry, feedCursor: number): void {
    const next = this.#newest === 0 ? feedCursor + 1 : this.#newest + 1;
    if (entry.position === next && wellFormed(entry)) this.#push(entry);
  }

  /** The feed skipped positions (they left the stream before it read them, or were not ours to decode). */
  lost(): void {
    this.clear();
  }

  /** Redis has trimmed every position up to this one (it may say so late, or more than once). */
  trimmedThrough(position: number): void {
    if (!Number.isSafeInteger(position) || position <= this.#trimmed) return;
    this.#trimmed = position;
    this.#entries.dropThrough(position);
    if (this.#entries.size === 0) this.#newest = 0;
  }

  /**
   * Up to `limit` entries after `after`, or null when the window cannot answer: it does not reach back
   * to `after + 1`, `after` is past its newest (Redis knows of later entries: let it answer), or the
   * first entry is older than `ageCutoff` (milliseconds since the epoch; null for no age limit), so
   * Redis may have trimmed it by age already: Redis says whether it did.
   */
  read(after: number, limit: number, ageCutoff: number | null): readonly LogEntry[] | null {
    if (this.#newest === 0 || after > this.#newest) return null;
    const entries = this.#entries.read(after, limit);
    if (entries !== null && ageCutoff !== null && entries.length > 0 && entries[0]!.publishedAt < ageCutoff)
      return null;
    return entries;
  }

  clear(): void {
    this.#entries.clear();
    this.#newest = 0;
  }

  #push(entry: LogEntry): void {
    if (entry.position <= this.#trimmed) return;
    this.#entries.push(entry);
    // A window bounded to nothing (maxCount 0) stays empty.
    this.#newest = this.#entries.size === 0 ? 0 : entry.position;
  }

  #at(position: number): LogEntry | undefined {
    const found = this.#entries.read(position - 1, 1)?.[0];
    return found?.position === position ? found : undefined;
  }
}

/** A UTF-16 surrogate not in a pair (with the u flag, a pair is one code point, not a surrogate). */
const LONE_SURROGATE = /\p{Cs}/u;

/** True when every text of the entry survives UTF-8 unchanged. */
function wellFormed(entry: LogEntry): boolean {
  return (
    !LONE_SURROGATE.test(entry.id) &&
    !LONE_SURROGATE.test(entry.data) &&
    (entry.event === undefined || !LONE_SURROGATE.test(entry.event)) &&
    !entry.topics.some((topic) => LONE_SURROGATE.test(topic))
  );
}
