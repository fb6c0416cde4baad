/**
 * Which driver opens a log's file: the one named in the options, or by default node:sqlite where the log
 * can use it (Node 24 and later) and better-sqlite3 elsewhere (Node 20 and 22). Either reads and writes
 * the same file format, so a file written on Node 20 opens on Node 24 and back.
 */
import { EventLogError } from '@tidings/server';
import { betterSqlite3Driver, betterSqlite3Problem } from './better-sqlite3-driver.js';
import { nodeSqliteDriver, nodeSqliteProblem } from './node-sqlite-driver.js';
import type { SqliteDriver, SqliteDriverName } from './sqlite-driver.js';

const DRIVERS: Readonly<Record<SqliteDriverName, { driver: SqliteDriver; problem: () => string | null }>> = {
  'node:sqlite': { driver: nodeSqliteDriver, problem: nodeSqliteProblem },
  'better-sqlite3': { driver: betterSqlite3Driver, problem: betterSqlite3Problem },
};

export const DRIVER_NAMES = Object.keys(DRIVERS) as SqliteDriverName[];

/** The driver the log uses when the options name none. */
export function defaultDriverName(): SqliteDriverName {
  return nodeSqliteProblem() === null ? 'node:sqlite' : 'better-sqlite3';
}

/** Null when `name` can open files on this Node, else why not (for tests and the error below). */
export function driverProblem(name: SqliteDriverName): string | null {
  return DRIVERS[name].problem();
}

/** The driver to open with. Throws EventLogError('LOG_UNAVAILABLE') when it cannot run on this Node. */
export function chooseDriver(name: SqliteDriverName | undefined): SqliteDriver {
  const chosen = name ?? defaultDriverName();
  const problem = driverProblem(chosen);
  if (problem !== null) throw new EventLogError('LOG_UNAVAILABLE', `cannot open the event log: ${problem}`);
  return DRIVERS[chosen].driver;
}
