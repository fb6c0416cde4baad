// Which driver the log picks on this Node, what it says when a driver cannot run here, and the one Node
// warning it keeps from users.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { EventLogError } from '@tidings/server';
import { SqliteLog } from '@tidings/sqlite';
import { defaultDriverName, driverProblem } from '../src/choose-driver.ts';
import { NODE_SQLITE_MIN_MAJOR, withoutSqliteWarning } from '../src/node-sqlite-driver.ts';
import { DRIVERS, NODE_MAJOR } from './drivers.ts';
import { tempDatabase } from './temp-databases.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./fixtures/log-child.ts', import.meta.url));

describe('sqlite drivers on this Node', () => {
  test('better-sqlite3 loads (the suite builds it for every Node it runs on), node:sqlite from Node 24 on', () => {
    assert.equal(driverProblem('better-sqlite3'), null);
    if (NODE_MAJOR < NODE_SQLITE_MIN_MAJOR) {
      assert.match(driverProblem('node:sqlite')!, /uses node:sqlite from Node 24 on/);
      assert.deepEqual(DRIVERS, ['better-sqlite3']);
    } else if (process.env.CI === 'true') {
      // CI runs the newest Node 24, whose node:sqlite reads text back whole: that path must be tested there.
      assert.equal(driverProblem('node:sqlite'), null);
    } else if (driverProblem('node:sqlite') !== null) {
      // An early Node 24 (24.0 cuts text at a NUL): the log must say so, and stay on better-sqlite3.
      assert.match(driverProblem('node:sqlite')!, /cuts text off at a NUL character/);
    }
  });

  test('by default a log uses node:sqlite where it can, else better-sqlite3, and says which', async () => {
    const expected = driverProblem('node:sqlite') === null ? 'node:sqlite' : 'better-sqlite3';
    assert.equal(defaultDriverName(), expected);
    const log = new SqliteLog({ path: tempDatabase() });
    try {
      assert.equal(log.driver, expected);
    } finally {
      await log.close();
    }
  });

  test('a driver that cannot run here is LOG_UNAVAILABLE with the reason, and no file is made', () => {
    const unavailable = (['node:sqlite', 'better-sqlite3'] as const).filter((d) => driverProblem(d) !== null);
    if (NODE_MAJOR < NODE_SQLITE_MIN_MAJOR) assert.deepEqual(unavailable, ['node:sqlite']);
    for (const driver of unavailable) {
      const path = tempDatabase();
      assert.throws(
        () => new SqliteLog({ path, driver }),
        (error: unknown) =>
          error instanceof EventLogError &&
          error.code === 'LOG_UNAVAILABLE' &&
          error.message === `cannot open the event log: ${driverProblem(driver)}`,
      );
      assert.ok(!existsSync(path));
    }
  });

  test('opening a log prints nothing on stderr: no ExperimentalWarning, whatever the driver', () => {
    for (const driver of DRIVERS) {
      const child = spawnSync(
        process.execPath,
        ['--conditions=tidings-source', '--import', 'tsx', CHILD, 'open', tempDatabase()],
        { cwd: ROOT, encoding: 'utf8', env: { ...process.env, TIDINGS_TEST_SQLITE_DRIVER: driver } },
      );
      assert.equal(child.status, 0, child.stderr);
      assert.deepEqual(JSON.parse(child.stdout), { opened: true });
      assert.equal(child.stderr, '', `${driver} printed on stderr`);
    }
  });
});

describe('withoutSqliteWarning (around the load of node:sqlite)', () => {
  test("drops Node's SQLite ExperimentalWarning only, only during the call, and passes every other warning", () => {
    // A recorder in emitWarning's place (so that nothing is printed), which the wrapper passes warnings to.
    const seen: unknown[][] = [];
    const original = process.emitWarning;
    const recorder = ((...args: unknown[]) => void seen.push(args)) as typeof process.emitWarning;
    process.emitWarning = recorder;
    try {
      const answer = withoutSqliteWarning(() => {
        // The forms Node's own code and libraries use.
        process.emitWarning('SQLite is an experimental feature and might change at any time', 'ExperimentalWarning');
        process.emitWarning('SQLite is an experimental feature', { type: 'ExperimentalWarning' });
        process.emitWarning('WASI is an experimental feature', 'ExperimentalWarning');
        process.emitWarning('SQLite something else', 'DeprecationWarning');
        const error = Object.assign(new Error('SQLite as an Error'), { name: 'ExperimentalWarning' });
        process.emitWarning(error);
        return 42;
      });
      assert.equal(answer, 42);
      assert.equal(process.emitWarning, recorder, 'emitWarning is restored');
      process.emitWarning('SQLite is an experimental feature, after', 'ExperimentalWarning');
      assert.deepEqual(seen, [
        ['WASI is an experimental feature', 'ExperimentalWarning'],
        ['SQLite something else', 'DeprecationWarning'],
        ['SQLite is an experimental feature, after', 'ExperimentalWarning'],
      ]);
    } finally {
      process.emitWarning = original;
    }
  });

  test('restores emitWarning when the call throws', () => {
    const original = process.emitWarning;
    assert.throws(
      () =>
        withoutSqliteWarning(() => {
          throw new Error('load failed');
        }),
      /load failed/,
    );
    assert.equal(process.emitWarning, original);
  });
});
