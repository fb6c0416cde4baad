/**
 * The database files this process holds open through a SqliteLog, and with which driver. SQLite keeps two
 * connections of one library in one process from sharing a file in EXCLUSIVE mode, but two libraries
 * (node:sqlite and better-sqlite3) do not know of each other: POSIX file locks belong to the process, so
 * the second would get the lock the first holds, and closing the second's file handle would drop the
 * first's locks. A log therefore refuses a file that this process holds through the other driver, before
 * its driver even opens it. Files are known by device and inode, so another path to the same file (a
 * symlink, a hard link) counts as the same file. Kept on globalThis, so that two copies of this package in
 * one process share it.
 */
import { statSync } from 'node:fs';
import type { SqliteDriverName } from './sqlite-driver.js';

const REGISTRY = Symbol.for('@tidings/sqlite held files');
const shared = globalThis as { [REGISTRY]?: Map<string, SqliteDriverName> };
shared[REGISTRY] ??= new Map();
const held = shared[REGISTRY];

/** The file's device and inode, or null when there is no file (yet). */
function fileKey(path: string): string | null {
  try {
    const { dev, ino } = statSync(path);
    return `${dev}:${ino}`;
  } catch {
    return null;
  }
}

/** The driver through which another log of this process holds the file, when it is not `driver`. */
export function heldThroughOtherDriver(path: string, driver: SqliteDriverName): SqliteDriverName | null {
  const key = fileKey(path);
  const holder = key === null ? undefined : held.get(key);
  return holder === undefined || holder === driver ? null : holder;
}

/**
 * Records that a log opened the file (which exists now) through `driver`; the answer releases it. Several
 * logs of one driver never hold one file together (SQLite refuses the second), so one entry per file.
 */
export function holdFile(path: string, driver: SqliteDriverName): () => void {
  const key = fileKey(path);
  if (key === null) return () => {};
  held.set(key, driver);
  return () => {
    if (held.get(key) === driver) held.delete(key);
  };
}
