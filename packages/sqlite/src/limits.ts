/** Every limit and default of @tidings/sqlite, in one place; the README's option table lists them. */

/**
 * Milliseconds to wait for the file's lock at open (SQLite's `busy_timeout`): long enough to ride out a
 * restart in which the old process is still exiting, short enough that a misconfigured second hub on
 * the same file fails visibly during start-up.
 */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;
