/**
 * The few SQLite calls the log makes, behind one interface with two implementations: node:sqlite (built
 * into Node 24 and later: no native build, no ABI to match) and better-sqlite3 (a native module, for
 * Node 20 and 22). Both are synchronous bindings of the same C library, and the log sets every pragma
 * that decides durability itself (open-database.ts), so a file behaves the same under either; the
 * drivers only differ in how a JavaScript call reaches SQLite.
 */

/** Which binding opens the file (`SqliteLogOptions.driver`). */
export type SqliteDriverName = 'node:sqlite' | 'better-sqlite3';

/** The values the log binds and reads: SQLite TEXT, INTEGER and NULL. */
export type SqliteValue = string | number | null;

export interface SqliteRunResult {
  /** Rows inserted, updated or deleted. */
  readonly changes: number;
  /** The rowid of the last insert (a number: positions stay far below 2^53). */
  readonly lastInsertRowid: number;
}

/** A prepared statement. Rows are plain objects keyed by column name. */
export interface SqliteStatement<P extends SqliteValue[], R> {
  run(...params: P): SqliteRunResult;
  get(...params: P): R | undefined;
  all(...params: P): R[];
}

/** One open connection to a database file. */
export interface SqliteConnection {
  prepare<P extends SqliteValue[] = [], R = unknown>(sql: string): SqliteStatement<P, R>;
  /** Runs one or more statements that return nothing. */
  exec(sql: string): void;
  /** True between BEGIN and its COMMIT or ROLLBACK (SQLite may roll back by itself on some errors). */
  readonly inTransaction: boolean;
  close(): void;
}

export interface SqliteDriver {
  readonly name: SqliteDriverName;
  /**
   * Opens (creating when missing) the file at `path`, always as a plain file name, never as a `file:`
   * URI, which could ask for a database in memory or a VFS without locks. `busyTimeout` is SQLite's
   * busy_timeout, in milliseconds. Throws the binding's own error.
   */
  open(path: string, busyTimeout: number): SqliteConnection;
}
