/**
 * SQLite's failures as EventLogErrors. The message names what went wrong in words an operator can act
 * on and the SQLite result code, never a file path or SQLite's own text (which may name files); the
 * original error stays in `cause` for logs.
 */
import { EventLogError } from '@tidings/server';
import { resultCodeName } from './sqlite-result-codes.js';

/** What the primary SQLite result codes mean for a log, by code (extended codes map to their primary). */
const DESCRIPTIONS: Readonly<Record<string, string>> = {
  SQLITE_FULL: 'the disk is full',
  SQLITE_IOERR: 'a disk I/O error',
  SQLITE_READONLY: 'the database file is read-only',
  SQLITE_BUSY: 'the database file is in use by another process',
  SQLITE_LOCKED: 'the database file is in use by another connection',
  SQLITE_CANTOPEN: 'the database file cannot be opened',
  SQLITE_PERM: 'permission denied on the database file',
  SQLITE_CORRUPT: 'the database file is corrupt',
  SQLITE_NOTADB: 'the file is not a SQLite database',
  SQLITE_NOMEM: 'SQLite ran out of memory',
  SQLITE_PROTOCOL: 'a file locking protocol error',
  SQLITE_NOLFS: 'the file system cannot hold a file this large',
};

/** A value too large for one SQLite column (SQLITE_MAX_LENGTH, 1 GB in both drivers' builds). */
const TOO_BIG = 'SQLITE_TOOBIG';

/**
 * The SQLite result code of a driver's error, by name ('SQLITE_FULL'), or null for any other error:
 * better-sqlite3's SqliteError carries the name in `code`, node:sqlite's error the number in `errcode`
 * (with `code` 'ERR_SQLITE_ERROR').
 */
export function sqliteCode(error: unknown): string | null {
  const { code, errcode } = (error ?? {}) as { code?: unknown; errcode?: unknown };
  if (typeof code === 'string' && code.startsWith('SQLITE_')) return code;
  if (code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number') return resultCodeName(errcode);
  return null;
}

/** A short, path-free description of a failure, such as 'the disk is full (SQLITE_FULL)'. */
export function describeFailure(error: unknown): string {
  const code = sqliteCode(error);
  if (code === null) return 'an unexpected SQLite failure';
  const primary = code.split('_', 2).join('_');
  return `${DESCRIPTIONS[primary] ?? 'a SQLite failure'} (${code})`;
}

/** True when the error says the event itself cannot be stored, not that the store failed. */
export function isEventTooBig(error: unknown): boolean {
  return sqliteCode(error) === TOO_BIG;
}

/** The EventLogError to reject with for `error` (an EventLogError passes through as it is). */
export function toEventLogError(error: unknown): EventLogError {
  if (error instanceof EventLogError) return error;
  if (isEventTooBig(error)) {
    return new EventLogError('INVALID_EVENT', 'cannot append this event: it is too large for SQLite to store', {
      cause: error,
    });
  }
  return new EventLogError('LOG_UNAVAILABLE', `the SQLite event log failed: ${describeFailure(error)}`, {
    cause: error,
  });
}
