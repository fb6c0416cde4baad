/** Every limit and default of @tidings/sqlite, in one place; the README's option table lists them. */

/**
 * Milliseconds to wait for the file's lock at open (SQLite's `busy_timeout`): long enough to ride out a
 * restart in which the old process is still exiting, short enough that a misconfigured second hub on
 * the same file fails visibly during start-up.
 */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/**
 * The newest entries kept in memory in front of the file (at most the log's own limits): a reconnect
 * storm replays them to many clients at once, from memory and encoded once (recent-entries.ts).
 */
export const RECENT_ENTRIES_MAX_COUNT = 10_000;
/** Bytes of that window, so memory stays bounded whatever the entries' size. */
export const RECENT_ENTRIES_MAX_BYTES = 16 * 1024 * 1024;
