/**
 * Opens the database file for one SqliteLog: WAL, the chosen sync level, the file locked for this
 * connection's life, and the tables made or checked. Every pragma that decides durability is set here,
 * whatever the driver's build would default to, so a file behaves the same under both drivers.
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { EventLogError } from '@tidings/server';
import { chooseDriver } from './choose-driver.js';
import { heldThroughOtherDriver, holdFile } from './held-files.js';
import { ensureSchema, type LogCounters } from './schema.js';
import type { SqliteConnection, SqliteDriverName } from './sqlite-driver.js';
import { describeFailure, sqliteCode } from './sqlite-failure.js';
import type { SqliteSynchronous } from './sqlite-log-options.js';
import { inTransaction } from './transaction.js';

/**
 * Bytes the write-ahead log file is cut back to after a checkpoint. It grows to the largest transaction
 * (a big trim after reopening with smaller limits, say) and is otherwise only reused, never shrunk; this
 * bounds the disk it keeps.
 */
const WAL_SIZE_LIMIT_BYTES = 16 * 1024 * 1024;

export interface OpenedDatabase {
  readonly db: SqliteConnection;
  readonly driver: SqliteDriverName;
  readonly counters: LogCounters;
  /** Call after closing `db`: the file is no longer held by this process (held-files.ts). */
  readonly release: () => void;
}

/** The first column of the first row of a pragma's answer. */
function pragma(db: SqliteConnection, sql: string): unknown {
  const row = db.prepare<[], Record<string, unknown>>(`PRAGMA ${sql}`).get();
  return row === undefined ? undefined : Object.values(row)[0];
}

export function openDatabase(
  path: string,
  synchronous: SqliteSynchronous,
  busyTimeout: number,
  driverName: SqliteDriverName | undefined,
): OpenedDatabase {
  const driver = chooseDriver(driverName);
  const holder = heldThroughOtherDriver(path, driver.name);
  if (holder !== null) {
    // Before this driver touches the file: even opening and closing a handle would drop the holder's locks.
    throw new EventLogError(
      'LOG_UNAVAILABLE',
      `cannot open the event log: the database file is in use by another process or connection (a SqliteLog of this process, through ${holder}); ` +
        'a SqliteLog needs its file to itself, one process per file',
    );
  }
  let db: SqliteConnection | undefined;
  try {
    db = driver.open(path, busyTimeout);
    // Before the first access to the file: the connection then keeps its locks until it closes, and in
    // WAL mode it keeps the WAL index in this process's memory instead of a shared -shm file. Nothing else
    // can read or write the file meanwhile, which is what makes the counters kept in memory safe.
    pragma(db, 'locking_mode = EXCLUSIVE');
    const mode = pragma(db, 'journal_mode = WAL');
    if (mode !== 'wal') {
      throw new EventLogError('LOG_UNAVAILABLE', `cannot open the event log: SQLite refused WAL mode (got ${mode})`);
    }
    // FULL syncs the WAL at every commit, so a resolved append survives power loss; better-sqlite3's
    // build would default WAL databases to NORMAL, which survives only a crash of the process.
    db.exec(`PRAGMA synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    pragma(db, `journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
    // An exclusive transaction takes the write lock now, so a second process is refused here, at start-up,
    // and not at its first append; with locking_mode EXCLUSIVE the lock outlives the commit.
    const opened = db;
    const counters = inTransaction(opened, () => ensureSchema(opened), 'exclusive');
    return { db, driver: driver.name, counters, release: holdFile(path, driver.name) };
  } catch (error) {
    db?.close();
    throw openFailure(error, path);
  }
}

function openFailure(error: unknown, path: string): EventLogError {
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
  // better-sqlite3 says so in a TypeError, node:sqlite with SQLITE_CANTOPEN: one message for both.
  if (!existsSync(dirname(path))) {
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
