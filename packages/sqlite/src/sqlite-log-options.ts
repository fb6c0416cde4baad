import { type LogLimits, type ResolvedLogLimits, resolveLogLimits } from '@tidings/server';
import { DEFAULT_BUSY_TIMEOUT_MS } from './limits.js';
import type { SqliteDriverName } from './sqlite-driver.js';

/**
 * When a resolved append is safe:
 * - `full` (the default): SQLite syncs the write-ahead log to disk before each commit returns, so an
 *   appended entry survives a crash of the process and of the machine (power loss, kernel panic).
 * - `normal`: the log is synced only at checkpoints. An appended entry survives a crash of the process
 *   (SIGKILL, an uncaught exception, OOM kill), but the last appends before a power loss may be lost.
 *   Appends are much cheaper (no fsync each).
 */
export type SqliteSynchronous = 'full' | 'normal';

export interface SqliteLogOptions {
  /**
   * The database file, created when missing (its folder must exist). A local disk: the file lock that
   * keeps a second process out is not reliable on network file systems.
   */
  path: string;
  /** What the log keeps; the defaults of `LogLimits` (10,000 entries, 64 MiB, no age limit). */
  limits?: LogLimits;
  /** When an append counts as stored; default `'full'` (see `SqliteSynchronous`). */
  synchronous?: SqliteSynchronous;
  /**
   * Milliseconds to wait at open for another process or connection to release the file before the
   * constructor gives up; default 5000 (`DEFAULT_BUSY_TIMEOUT_MS`). 0 fails at once.
   */
  busyTimeout?: number;
  /**
   * The binding that opens the file: `'node:sqlite'` (built into Node 24 and later) or `'better-sqlite3'`
   * (a native module, an optional peer dependency). Default: node:sqlite on Node 24 and later, better-sqlite3
   * before. Both read and write the same file format with the same durability.
   */
  driver?: SqliteDriverName;
}

/**
 * The longest `busyTimeout` accepted: SQLite takes it as a 32-bit count of milliseconds; no sane
 * start-up waits a day for a lock.
 */
const MAX_BUSY_TIMEOUT_MS = 24 * 60 * 60 * 1000;

export interface ResolvedSqliteLogOptions {
  readonly path: string;
  readonly limits: ResolvedLogLimits;
  readonly synchronous: SqliteSynchronous;
  readonly busyTimeout: number;
  /** undefined: the default for this Node (choose-driver.ts). */
  readonly driver: SqliteDriverName | undefined;
}

/** Validates the options at the call, with a TypeError that says how to fix them. */
export function resolveSqliteLogOptions(options: SqliteLogOptions): ResolvedSqliteLogOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError("SqliteLog needs options such as { path: 'events.db' }");
  }
  const { path, synchronous = 'full', busyTimeout = DEFAULT_BUSY_TIMEOUT_MS, driver } = options;
  if (typeof path !== 'string' || path.length === 0) {
    throw new TypeError("path must be the database file's path, such as 'events.db'");
  }
  // SQLite reads this name as a database in memory: nothing would be durable. (Both drivers open
  // 'file:...' as an ordinary name, never as a URI: see SqliteDriver.open.)
  if (path === ':memory:') {
    throw new TypeError(
      `path must be a file path, not ':memory:': for a log that keeps nothing on disk use MemoryLog from @tidings/server`,
    );
  }
  if (path.includes('\0')) throw new TypeError('path must not contain NUL');
  if (synchronous !== 'full' && synchronous !== 'normal') {
    throw new TypeError(`synchronous must be 'full' or 'normal', got ${String(synchronous)}`);
  }
  if (!Number.isSafeInteger(busyTimeout) || busyTimeout < 0 || busyTimeout > MAX_BUSY_TIMEOUT_MS) {
    throw new TypeError(
      `busyTimeout must be a whole number of milliseconds from 0 to ${MAX_BUSY_TIMEOUT_MS}, got ${String(busyTimeout)}`,
    );
  }
  if (driver !== undefined && driver !== 'node:sqlite' && driver !== 'better-sqlite3') {
    throw new TypeError(
      `driver must be 'node:sqlite', 'better-sqlite3' or undefined (the default), got ${String(driver)}`,
    );
  }
  return { path, limits: resolveLogLimits(options.limits), synchronous, busyTimeout, driver };
}
