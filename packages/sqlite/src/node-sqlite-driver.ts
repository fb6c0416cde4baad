/**
 * The node:sqlite driver: SQLite as built into Node, with no native module to compile. The log uses it on
 * Node 24 and later (`NODE_SQLITE_MIN_MAJOR`), where its binding reads text back whole. Node 22's binding,
 * and Node 24.0's, cut text off at the first NUL character when reading it (data 'a\0b' reads back as
 * 'a'), which would corrupt events: before the log uses node:sqlite it checks that a NUL survives, and
 * stays on better-sqlite3 where it does not.
 */
import type { SqliteConnection, SqliteDriver, SqliteStatement, SqliteValue } from './sqlite-driver.js';

/** The first Node major version whose node:sqlite the log uses (node:sqlite is experimental on 22). */
export const NODE_SQLITE_MIN_MAJOR = 24;

/** The part of node:sqlite the log uses (@types/node 20, which the package builds with, has none). */
interface NodeStatement {
  run(...params: SqliteValue[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  /** Rows as arrays, after setReturnArrays(true). */
  get(...params: SqliteValue[]): SqliteValue[] | undefined;
  all(...params: SqliteValue[]): SqliteValue[][];
  setReturnArrays(enabled: boolean): void;
  columns(): { name: string }[];
}
interface NodeDatabase {
  prepare(sql: string): NodeStatement;
  exec(sql: string): void;
  readonly isTransaction: boolean;
  close(): void;
}
interface NodeSqliteModule {
  DatabaseSync: new (path: string) => NodeDatabase;
}

/** Text with a NUL inside, which a usable binding must read back whole. */
const NUL_PROBE = 'a\0b';

const NODE_MAJOR = Number(process.versions.node.split('.')[0]);

/**
 * Runs `work` (which loads node:sqlite) without the ExperimentalWarning "SQLite is an experimental feature"
 * that some Node versions print when the module loads (22, and 24.0 among them). Here the library loads it,
 * not the user's code; on those versions the log then uses better-sqlite3 anyway (the NUL check fails),
 * and where it uses node:sqlite, its own tests pin the behaviour it relies on. The user has nothing to act
 * on, so the warning would only be noise at every start of a hub. Only that one warning, and only during
 * `work`, is dropped; every other warning passes through.
 */
export function withoutSqliteWarning<T>(work: () => T): T {
  const emitWarning = process.emitWarning;
  process.emitWarning = function filtered(warning: string | Error, ...rest: unknown[]) {
    const options = rest[0];
    const type =
      typeof options === 'string'
        ? options
        : typeof warning === 'string'
          ? (options as { type?: unknown } | undefined)?.type
          : warning.name;
    const text = typeof warning === 'string' ? warning : warning.message;
    if (type === 'ExperimentalWarning' && text.startsWith('SQLite ')) return;
    return (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return work();
  } finally {
    process.emitWarning = emitWarning;
  }
}

/** node:sqlite if this Node has it and it reads a NUL back, else why not. */
function load(): NodeSqliteModule | string {
  const getBuiltinModule = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  const module = withoutSqliteWarning(() => getBuiltinModule?.('node:sqlite')) as NodeSqliteModule | undefined;
  if (module === undefined) return `this Node (${process.version}) has no node:sqlite`;
  const db = new module.DatabaseSync(':memory:');
  try {
    const statement = db.prepare('SELECT ? AS text');
    const complete =
      typeof db.isTransaction === 'boolean' &&
      typeof statement.setReturnArrays === 'function' &&
      typeof statement.columns === 'function';
    if (!complete) return `the node:sqlite of this Node (${process.version}) lacks what the log needs; update Node`;
    if ((statement.get(NUL_PROBE) as unknown as { text: unknown } | undefined)?.text !== NUL_PROBE) {
      return `the node:sqlite of this Node (${process.version}) cuts text off at a NUL character; update Node`;
    }
  } finally {
    db.close();
  }
  return module;
}

let loaded: NodeSqliteModule | string | undefined;

/** Null when the log can use node:sqlite on this Node, else why not. */
export function nodeSqliteProblem(): string | null {
  if (NODE_MAJOR < NODE_SQLITE_MIN_MAJOR) {
    return `the log uses node:sqlite from Node ${NODE_SQLITE_MIN_MAJOR} on (this is ${process.version})`;
  }
  loaded ??= load();
  return typeof loaded === 'string' ? loaded : null;
}

/**
 * A row read as an array, as a plain object. node:sqlite builds its own row objects (with a null
 * prototype) several times slower: reading 500-entry pages from the file ran at 0.20x (README).
 */
function toObject<R>(names: readonly string[], row: readonly SqliteValue[]): R {
  const object: Record<string, SqliteValue> = {};
  for (let i = 0; i < names.length; i++) object[names[i]!] = row[i]!;
  return object as R;
}

class Connection implements SqliteConnection {
  readonly #db: NodeDatabase;

  constructor(db: NodeDatabase) {
    this.#db = db;
  }

  get inTransaction(): boolean {
    return this.#db.isTransaction;
  }

  prepare<P extends SqliteValue[] = [], R = unknown>(sql: string): SqliteStatement<P, R> {
    const statement = this.#db.prepare(sql);
    const names = statement.columns().map((column) => column.name);
    statement.setReturnArrays(true);
    return {
      run: (...params) => {
        const { changes, lastInsertRowid } = statement.run(...params);
        return { changes: Number(changes), lastInsertRowid: Number(lastInsertRowid) };
      },
      get: (...params) => {
        const row = statement.get(...params);
        return row === undefined ? undefined : toObject<R>(names, row);
      },
      all: (...params) => statement.all(...params).map((row) => toObject<R>(names, row)),
    };
  }

  exec(sql: string): void {
    this.#db.exec(sql);
  }

  close(): void {
    this.#db.close();
  }
}

export const nodeSqliteDriver: SqliteDriver = {
  name: 'node:sqlite',
  open(path, busyTimeout) {
    const problem = nodeSqliteProblem();
    if (problem !== null) throw new Error(problem);
    // node:sqlite reads a name that starts with `file:` as a URI (`file:x?mode=memory` would keep nothing
    // on disk); with `./` in front it is the plain file name better-sqlite3 would open.
    const db = new (loaded as NodeSqliteModule).DatabaseSync(path.startsWith('file:') ? `./${path}` : path);
    try {
      db.exec(`PRAGMA busy_timeout = ${busyTimeout}`);
    } catch (error) {
      db.close();
      throw error;
    }
    return new Connection(db);
  },
};
