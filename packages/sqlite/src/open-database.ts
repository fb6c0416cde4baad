/**
 * Opens the database file for one SqliteLog: WAL, the chosen sync level, the file locked for this
 * connection's life, and the tables made or checked.
 */
import { EventLogError } from '@tidings/server';
import Database from 'better-sqlite3';
import { ensureSchema, type LogCounters } from './schema.js';
import { describeFailure, sqliteCode } from './sqlite-failure.js';
import type { SqliteSynchronous } from './sqlite-log-options.js';

/**
 * Bytes the write-ahead log file is cut back to after a checkpoint. It grows to the largest transaction
 * (a big trim after reopening with smaller limits, say) and is otherwise only reused, never shrunk; this
 * bounds the disk it keeps.
 */
const WAL_SIZE_LIMIT_BYTES = 16 * 1024 * 1024;

export interface OpenedDatabase {
  readonly db: Database.Database;
  readonly counters: LogCounters;
}

export function openDatabase(path: string, synchronous: SqliteSynchronous, busyTimeout: number): OpenedDatabase {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { timeout: busyTimeout });
    // Before the first access to the file: the connection then keeps its locks until it closes, and in
    // WAL mode it keeps the WAL index in this process's memory instead of a shared -shm file. Nothing else
    // can read or write the file meanwhile, which is what makes the counters kept in memory safe.
    db.pragma('locking_mode = EXCLUSIVE');
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') {
      throw new EventLogError('LOG_UNAVAILABLE', `cannot open the event log: SQLite refused WAL mode (got ${mode})`);
    }
    // FULL syncs the WAL at every commit, so a resolved append survives power loss; better-sqlite3's
    // build would default WAL databases to NORMAL, which survives only a crash of the process.
    db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
    // An exclusive transaction takes the write lock now, so a second process is refused here, at start-up,
    // and not at its first append; with locking_mode EXCLUSIVE the lock outlives the commit.
    const counters = db.transaction(() => ensureSchema(db!)).exclusive();
    return { db, counters };
  } catch (error) {
    db?.close();
    throw openFailure(error);
  }
}

function openFailure(error: unknown): EventLogError {
  if (error instanceof EventLogError) return error;
  const code = sqliteCode(error);
  if (code?.startsWith('SQLITE_BUSY') || code?.startsWith('SQLITE_LOCKED')) {
    return new EventLogError(
      'LOG_UNAVAILABLE',
      `cannot open the event log: the database file is in use by another process or connection (${code}); ` +
        'a SqliteLog needs its file to itself, one process per file',
      { cause: error },
    );
  }
  if (code === null && error instanceof TypeError && /directory does not exist/.test(error.message)) {
    return new EventLogError(
      'LOG_UNAVAILABLE',
      "cannot open the event log: the database file's folder does not exist",
      {
        cause: error,
      },
    );
  }
  return new EventLogError('LOG_UNAVAILABLE', `cannot open the event log: ${describeFailure(error)}`, { cause: error });
}
