/**
 * The tables of a SQLite event log, made on first open and checked on every later one.
 *
 * `entries.position` is an AUTOINCREMENT rowid: SQLite then never hands out a rowid again, even after the
 * newest rows were trimmed and the file reopened (a plain INTEGER PRIMARY KEY reuses max(rowid) + 1), so a
 * client's `Last-Event-ID` can never come to mean another event. There is no index on `published_at`:
 * age trimming walks from the oldest position and stops at the first entry young enough (the memory
 * log's rule), which the primary key serves.
 *
 * `meta` keeps what would otherwise cost a scan per append: the count and total size of the entries kept
 * (updated in the transaction that changes them), and `trimmed_through`, the highest position ever
 * trimmed, which tells a reader that it missed entries (`ReadPage.gap`).
 */

import { EventLogError } from '@tidings/server';
import type { SqliteConnection } from './sqlite-driver.js';

/** The version of the tables below; a file with another version is refused, never rewritten. */
export const SCHEMA_VERSION = 1;

const CREATE_TABLES = `
  CREATE TABLE entries (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    topics TEXT NOT NULL,
    data TEXT NOT NULL,
    type TEXT,
    retry INTEGER,
    private INTEGER NOT NULL,
    published_at INTEGER NOT NULL,
    size INTEGER NOT NULL
  );
  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value INTEGER NOT NULL
  ) WITHOUT ROWID;
`;

/** The keys of `meta`. */
export const META = {
  schemaVersion: 'schema_version',
  trimmedThrough: 'trimmed_through',
  count: 'entry_count',
  bytes: 'total_bytes',
} as const;

/** What `meta` says about the entries kept. */
export interface LogCounters {
  /** Entries kept. */
  readonly count: number;
  /** Total `size` of the entries kept, in bytes. */
  readonly bytes: number;
  /** Every position up to this one has been trimmed (0: none). */
  readonly trimmedThrough: number;
}

function unusable(why: string): EventLogError {
  return new EventLogError('LOG_UNAVAILABLE', `cannot use this file as an event log: ${why}`);
}

/**
 * Makes the tables in an empty database, or checks those of an event log, and answers its counters.
 * Call inside a write transaction.
 */
export function ensureSchema(db: SqliteConnection): LogCounters {
  const tables = db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .all()
    .map((row) => row.name);
  if (tables.length === 0) {
    db.exec(CREATE_TABLES);
    const insert = db.prepare<[string, number]>('INSERT INTO meta (key, value) VALUES (?, ?)');
    insert.run(META.schemaVersion, SCHEMA_VERSION);
    insert.run(META.trimmedThrough, 0);
    insert.run(META.count, 0);
    insert.run(META.bytes, 0);
  } else if (!tables.includes('meta') || !tables.includes('entries')) {
    // Another program's database: its tables are not ours to write into (nor its lock ours to hold).
    throw unusable('it is a SQLite database of something else (no Tidings tables)');
  }
  const meta = new Map(
    db
      .prepare<[], { key: string; value: number }>('SELECT key, value FROM meta')
      .all()
      .map((r) => [r.key, r.value]),
  );
  const version = meta.get(META.schemaVersion);
  if (version !== SCHEMA_VERSION) {
    throw unusable(
      `its schema version is ${String(version)}, and this version of @tidings/sqlite reads version ${SCHEMA_VERSION}`,
    );
  }
  const counter = (key: string) => {
    const value = meta.get(key);
    if (!Number.isSafeInteger(value) || value! < 0) throw unusable(`its meta table has no valid ${key}`);
    return value!;
  };
  return { count: counter(META.count), bytes: counter(META.bytes), trimmedThrough: counter(META.trimmedThrough) };
}
