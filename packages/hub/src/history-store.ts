/**
 * The history store: where updates wait for subscribers that reconnect with `Last-Event-ID`. The hub
 * knows only this interface, so memory, SQLite and Redis stores are interchangeable; one shared test
 * suite (test/history-store-suite.ts) runs against each. Order is the store's append order, which is the
 * hub-wide event order.
 */
import type { Update } from './update.js';

export interface ReadOptions {
  /** Only updates for which this returns true are returned (and counted against `limit`). */
  filter?: (update: Update) => boolean;
  /** Most updates to return; a positive integer. */
  limit: number;
}

export interface ReadResult {
  /** Whether `lastEventId` was found; false for null (read from the start) and for unknown or trimmed ids. */
  found: boolean;
  /** Matching updates after `lastEventId` (after nothing when not found), oldest first. */
  updates: Update[];
}

export interface TrimPolicy {
  /** Keep at most this many updates (the newest). */
  maxCount?: number;
  /** Remove updates published at or before this time (milliseconds since the epoch). */
  olderThan?: number;
}

export interface HistoryStore {
  /**
   * Appends `update` after every stored one. Resolves false, storing nothing, when an update with the same
   * id is already stored (the check and the append are one atomic step).
   */
  append(update: Update): Promise<boolean>;
  /**
   * Reads the updates stored after the one whose id is `lastEventId`, oldest first. When several share it
   * (a reused id), reading starts after the earliest of them. An unknown id, or null, reads from the start.
   */
  readAfter(lastEventId: string | null, options: ReadOptions): Promise<ReadResult>;
  /** Removes the oldest updates beyond `maxCount` and those older than `olderThan`; resolves how many went. */
  trim(policy: TrimPolicy): Promise<number>;
  /** Releases the store's resources; later calls reject with `StoreError('CLOSED')`. */
  close(): Promise<void>;
}
