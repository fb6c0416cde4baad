/**
 * The names of SQLite's result codes, by number, as sqlite3.h defines them (SQLite 3.53): node:sqlite
 * reports a failure by number (`errcode`, an extended code such as 778), better-sqlite3 by name
 * ('SQLITE_IOERR_WRITE'); with this table both read the same in messages and `health().error`.
 * An extended code is its primary code (the low 8 bits) plus `k << 8` for its k-th variant.
 */

/** Primary result codes 0 to 28, without the `SQLITE_` prefix. */
const PRIMARY: readonly string[] = [
  'OK',
  'ERROR',
  'INTERNAL',
  'PERM',
  'ABORT',
  'BUSY',
  'LOCKED',
  'NOMEM',
  'READONLY',
  'INTERRUPT',
  'IOERR',
  'CORRUPT',
  'NOTFOUND',
  'FULL',
  'CANTOPEN',
  'PROTOCOL',
  'EMPTY',
  'SCHEMA',
  'TOOBIG',
  'CONSTRAINT',
  'MISMATCH',
  'MISUSE',
  'NOLFS',
  'AUTH',
  'FORMAT',
  'RANGE',
  'NOTADB',
  'NOTICE',
  'WARNING',
];

/** The variants of each primary code: `EXTENDED.IOERR[k - 1]` is the name of SQLITE_IOERR | (k << 8). */
const EXTENDED: Readonly<Record<string, readonly (string | null)[]>> = {
  ERROR: ['MISSING_COLLSEQ', 'RETRY', 'SNAPSHOT', 'RESERVESIZE', 'KEY', 'UNABLE'],
  IOERR: [
    'READ',
    'SHORT_READ',
    'WRITE',
    'FSYNC',
    'DIR_FSYNC',
    'TRUNCATE',
    'FSTAT',
    'UNLOCK',
    'RDLOCK',
    'DELETE',
    'BLOCKED',
    'NOMEM',
    'ACCESS',
    'CHECKRESERVEDLOCK',
    'LOCK',
    'CLOSE',
    'DIR_CLOSE',
    'SHMOPEN',
    'SHMSIZE',
    'SHMLOCK',
    'SHMMAP',
    'SEEK',
    'DELETE_NOENT',
    'MMAP',
    'GETTEMPPATH',
    'CONVPATH',
    'VNODE',
    'AUTH',
    'BEGIN_ATOMIC',
    'COMMIT_ATOMIC',
    'ROLLBACK_ATOMIC',
    'DATA',
    'CORRUPTFS',
    'IN_PAGE',
    'BADKEY',
    'CODEC',
  ],
  LOCKED: ['SHAREDCACHE', 'VTAB'],
  BUSY: ['RECOVERY', 'SNAPSHOT', 'TIMEOUT'],
  CANTOPEN: ['NOTEMPDIR', 'ISDIR', 'FULLPATH', 'CONVPATH', 'DIRTYWAL', 'SYMLINK'],
  CORRUPT: ['VTAB', 'SEQUENCE', 'INDEX'],
  READONLY: ['RECOVERY', 'CANTLOCK', 'ROLLBACK', 'DBMOVED', 'CANTINIT', 'DIRECTORY'],
  ABORT: [null, 'ROLLBACK'],
  CONSTRAINT: [
    'CHECK',
    'COMMITHOOK',
    'FOREIGNKEY',
    'FUNCTION',
    'NOTNULL',
    'PRIMARYKEY',
    'TRIGGER',
    'UNIQUE',
    'VTAB',
    'ROWID',
    'PINNED',
    'DATATYPE',
  ],
  NOTICE: ['RECOVER_WAL', 'RECOVER_ROLLBACK', 'RBU'],
  WARNING: ['AUTOINDEX'],
  AUTH: ['USER'],
  OK: ['LOAD_PERMANENTLY', 'SYMLINK'],
};

/** 'SQLITE_IOERR_WRITE' for 778; a code this table does not know keeps its primary name and its number. */
export function resultCodeName(code: number): string | null {
  if (!Number.isInteger(code) || code < 0) return null;
  const primary = PRIMARY[code & 0xff];
  if (primary === undefined) return null;
  const variant = code >> 8;
  if (variant === 0) return `SQLITE_${primary}`;
  const name = EXTENDED[primary]?.[variant - 1];
  return name ? `SQLITE_${primary}_${name}` : `SQLITE_${primary}_${variant}`;
}
