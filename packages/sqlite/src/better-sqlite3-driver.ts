/**
 * The better-sqlite3 driver: a native module, compiled for one Node ABI at install. It is an optional peer
 * dependency of this package, loaded only when a log uses it, so an install on Node 24 (which has
 * node:sqlite) builds nothing native.
 */
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteConnection, SqliteDriver, SqliteStatement, SqliteValue } from './sqlite-driver.js';

/** Why better-sqlite3 cannot be loaded here, in words that say what to do, or the module. */
function load(): typeof BetterSqlite3 | string {
  try {
    return createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'MODULE_NOT_FOUND') {
      return `better-sqlite3 is not installed; on Node ${process.versions.node} install it (npm install better-sqlite3@12), or run on Node 24 or later, which has node:sqlite`;
    }
    if (code === 'ERR_DLOPEN_FAILED') {
      return `better-sqlite3 was built for another Node version; rebuild it with this one (npm rebuild better-sqlite3)`;
    }
    return `better-sqlite3 cannot be loaded (${String(code ?? (error as Error).name)})`;
  }
}

let loaded: typeof BetterSqlite3 | string | undefined;

/** Null when better-sqlite3 loads on this Node, else why not. */
export function betterSqlite3Problem(): string | null {
  loaded ??= load();
  return typeof loaded === 'string' ? loaded : null;
}

class Connection implements SqliteConnection {
  readonly #db: BetterSqlite3.Database;

  constructor(db: BetterSqlite3.Database) {
    this.#db = db;
  }

  get inTransaction(): boolean {
    return this.#db.inTransaction;
  }

  prepare<P extends SqliteValue[] = [], R = unknown>(sql: string): SqliteStatement<P, R> {
    const statement = this.#db.prepare<P, R>(sql);
    return {
      run: (...params) => {
        const { changes, lastInsertRowid } = statement.run(...params);
        return { changes, lastInsertRowid: Number(lastInsertRowid) };
      },
      get: (...params) => statement.get(...params),
      all: (...params) => statement.all(...params),
    };
  }

  exec(sql: string): void {
    this.#db.exec(sql);
  }

  close(): void {
    this.#db.close();
  }
}

export const betterSqlite3Driver: SqliteDriver = {
  name: 'better-sqlite3',
  open(path, busyTimeout) {
    const problem = betterSqlite3Problem();
    if (problem !== null) throw new Error(problem);
    // better-sqlite3 is built without URI file names: a path that starts with `file:` is a plain name.
    return new Connection(new (loaded as typeof BetterSqlite3)(path, { timeout: busyTimeout }));
  },
};
