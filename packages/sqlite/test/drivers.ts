// The drivers the tests run every log test on, on this Node: better-sqlite3 always (a devDependency;
// scripts/test-on-node.mjs builds it for each Node the suite runs on), and node:sqlite wherever the log
// can use it. drivers.test.ts checks that this list is what it should be for this Node.
import type { SqliteDriverName } from '@tidings/sqlite';
import { driverProblem } from '../src/choose-driver.ts';

export const NODE_MAJOR = Number(process.versions.node.split('.')[0]);

export const DRIVERS: SqliteDriverName[] = [
  'better-sqlite3',
  ...(driverProblem('node:sqlite') === null ? (['node:sqlite'] as const) : []),
];
