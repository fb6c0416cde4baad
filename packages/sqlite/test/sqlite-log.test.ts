import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { type EventLog, EventLogError, type LogLimits } from '@tidings/server';
import { type SqliteDriverName, SqliteLog, type SqliteLogOptions } from '@tidings/sqlite';
import Database from 'better-sqlite3';
import { eventFields, eventLogSuite } from '../../../test-support/event-log-suite.ts';
import { DRIVERS } from './drivers.ts';
import { tempDatabase, tempFolder } from './temp-databases.ts';

// Every test of this file runs once per driver (drivers.ts), each log opened with that driver forced.
for (const driver of DRIVERS) {
  /** Where each log of the suite lives, so that `reopen` can open the same file with the same limits. */
  const opened = new WeakMap<EventLog, { path: string; limits: LogLimits | undefined }>();

  function open(path: string, limits?: LogLimits): SqliteLog {
    const log = new SqliteLog({ path, driver, ...(limits !== undefined && { limits }) });
    opened.set(log, { path, limits });
    return log;
  }

  /** A log on `options.path` with this driver. */
  const openLog = (options: SqliteLogOptions) => new SqliteLog({ driver, ...options });

  eventLogSuite(`sqlite (${driver})`, {
    create: async (limits) => open(tempDatabase(), limits),
    reopen: async (log) => {
      const { path, limits } = opened.get(log)!;
      await log.close();
      return open(path, limits);
    },
  });

  /** The error `new SqliteLog(options)` throws (failing when it opens). */
  function openError(options: SqliteLogOptions): EventLogError {
    try {
      void openLog(options).close();
    } catch (error) {
      assert.ok(error instanceof EventLogError, `expected an EventLogError, got ${error}`);
      return error;
    }
    assert.fail('the log opened');
  }

  /** Reads the file with a connection of its own, after the log closed it. */
  function inspect<T>(path: string, fn: (db: Database.Database) => T): T {
    const db = new Database(path, { readonly: true });
    try {
      return fn(db);
    } finally {
      db.close();
    }
  }

  describe(`sqlite log (${driver}): the file`, () => {
    test('is in WAL mode, its WAL index in memory (no -shm file), and its counters match the rows', async () => {
      const path = tempDatabase();
      const log = openLog({ path, limits: { maxCount: 50 } });
      for (let i = 0; i < 120; i++) await log.append(eventFields({ data: 'x'.repeat(i) }));
      assert.ok(existsSync(`${path}-wal`), 'the WAL file exists while the log is open');
      assert.ok(!existsSync(`${path}-shm`), 'locking_mode EXCLUSIVE keeps the WAL index out of a shared file');
      assert.equal(log.size, 50);
      const bytes = log.bytes;
      await log.close();
      inspect(path, (db) => {
        assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
        const meta = Object.fromEntries(
          db
            .prepare<[], { key: string; value: number }>('SELECT key, value FROM meta')
            .all()
            .map((r) => [r.key, r.value]),
        );
        const rows = db
          .prepare('SELECT COUNT(*) AS count, SUM(size) AS bytes, MIN(position) AS first FROM entries')
          .get();
        assert.deepEqual(rows, { count: 50, bytes, first: 71 });
        assert.deepEqual(meta, { schema_version: 1, entry_count: 50, total_bytes: bytes, trimmed_through: 70 });
      });
    });

    test('a second log on an open file is refused with a clear error, and opens once the first is closed', async () => {
      const path = tempDatabase();
      const first = openLog({ path });
      await first.append(eventFields());
      const started = Date.now();
      const error = openError({ path, busyTimeout: 0 });
      assert.equal(error.code, 'LOG_UNAVAILABLE');
      assert.match(error.message, /in use by another process or connection .*one process per file/);
      assert.ok(Date.now() - started < 1000, 'busyTimeout 0 does not wait');
      assert.ok(!error.message.includes(path), 'the message names no path');
      // The refused open took nothing from the first log.
      assert.ok(await first.append(eventFields()));
      await first.close();
      const second = openLog({ path, busyTimeout: 0 });
      assert.equal((await second.read(0, 10)).entries.length, 2);
      await second.close();
    });

    test("a path that starts with 'file:' is a file name, never a URI (which could keep the log in memory)", async () => {
      const folder = tempFolder();
      const cwd = process.cwd();
      process.chdir(folder);
      try {
        const log = openLog({ path: 'file:events.db?mode=memory' });
        await log.append(eventFields());
        await log.close();
        assert.ok(existsSync(join(folder, 'file:events.db?mode=memory')), 'the file has the name as given');
        const reopened = openLog({ path: 'file:events.db?mode=memory' });
        assert.equal(reopened.size, 1, 'and keeps what was appended');
        await reopened.close();
      } finally {
        process.chdir(cwd);
      }
    });

    test('busyTimeout waits for the lock before giving up', () => {
      const path = tempDatabase();
      const first = openLog({ path });
      try {
        const started = Date.now();
        assert.equal(openError({ path, busyTimeout: 300 }).code, 'LOG_UNAVAILABLE');
        assert.ok(Date.now() - started >= 250, `gave up after ${Date.now() - started} ms`);
      } finally {
        void first.close();
      }
    });

    test('a file that is not an event log is refused, untouched, and no message names the path', async () => {
      const folder = tempFolder();
      const other = join(folder, 'app.db');
      const db = new Database(other);
      db.exec('CREATE TABLE users (name TEXT)');
      db.close();
      assert.match(openError({ path: other }).message, /a SQLite database of something else/);
      inspect(other, (db) => {
        const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all();
        assert.deepEqual(tables, ['users']);
      });

      const text = join(folder, 'notes.txt');
      writeFileSync(text, 'not a database, but long enough to have a header that SQLite reads and rejects. '.repeat(8));
      assert.match(openError({ path: text }).message, /not a SQLite database \(SQLITE_NOTADB\)/);

      const newer = tempDatabase();
      await openLog({ path: newer }).close();
      const raw = new Database(newer);
      raw.prepare("UPDATE meta SET value = 2 WHERE key = 'schema_version'").run();
      raw.close();
      assert.match(
        openError({ path: newer }).message,
        /schema version is 2, and this version of @tidings\/sqlite reads version 1/,
      );

      const missing = join(folder, 'no-such-folder', 'events.db');
      assert.match(openError({ path: missing }).message, /folder does not exist/);

      for (const path of [other, text, newer, missing]) {
        assert.ok(!openError({ path }).message.includes(folder), 'no message names the path');
      }
    });

    test('a folder is not a database file', () => {
      const folder = tempFolder();
      mkdirSync(join(folder, 'dir.db'));
      assert.equal(openError({ path: join(folder, 'dir.db') }).code, 'LOG_UNAVAILABLE');
    });
  });

  describe(`sqlite log (${driver}): restarts`, () => {
    test('counters, trimmed_through and the gap survive a restart', async () => {
      const path = tempDatabase();
      const first = openLog({ path, limits: { maxCount: 3 } });
      const stored = [];
      for (let i = 0; i < 5; i++) stored.push((await first.append(eventFields()))!);
      const bytes = first.bytes;
      await first.close();
      const log = openLog({ path, limits: { maxCount: 3 } });
      assert.equal(log.size, 3);
      assert.equal(log.bytes, bytes);
      const page = await log.read(0, 10);
      assert.equal(page.gap, true);
      assert.deepEqual(page.entries, stored.slice(2));
      assert.equal((await log.read(stored[2]!.position, 10)).gap, false);
      assert.deepEqual(await log.earliest(), { position: stored[2]!.position, id: stored[2]!.id });
      await log.close();
    });

    test('positions are never reused, also after every entry was trimmed and the file reopened', async () => {
      const path = tempDatabase();
      const first = openLog({ path, limits: { maxCount: 0 } });
      const positions = [];
      for (let i = 0; i < 3; i++) positions.push((await first.append(eventFields()))!.position);
      assert.deepEqual(positions, [1, 2, 3]);
      assert.equal(await first.latest(), null);
      await first.close();
      const log = openLog({ path });
      assert.equal((await log.append(eventFields()))!.position, 4);
      assert.equal((await log.read(0, 10)).gap, true, 'positions 1 to 3 were trimmed');
      await log.close();
    });

    test('reopened with smaller limits, the log trims on first use, across many trim steps', async () => {
      const path = tempDatabase();
      const first = openLog({ path });
      const stored = [];
      for (let i = 0; i < 3000; i++) stored.push((await first.append(eventFields()))!);
      await first.close();
      const log = openLog({ path, limits: { maxCount: 5 } });
      assert.equal(log.size, 3000, 'opening does not trim');
      const page = await log.read(0, 100);
      assert.deepEqual(page.entries, stored.slice(-5));
      assert.equal(page.gap, true);
      assert.equal(log.size, 5);
      assert.equal(await log.lookup(stored[0]!.id), null);
      await log.close();
    });
  });

  describe(`sqlite log (${driver}): entries`, () => {
    test('age trimming also happens on reads, with no append in between', async (t) => {
      // The log's clock is Date.now(), mocked: however slow the appends, nothing ages before the tick.
      t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
      const log = openLog({ path: tempDatabase(), limits: { maxAge: 200 } });
      const publishedAt = Date.now() - 100;
      const stored = [];
      for (let i = 0; i < 3; i++) stored.push((await log.append(eventFields({ publishedAt })))!);
      assert.equal(log.size, 3);
      t.mock.timers.tick(150);
      assert.deepEqual(await log.earliest(), { position: stored[2]!.position, id: stored[2]!.id });
      assert.equal(log.size, 1, 'the newest is kept');
      await log.close();
    });

    test('NUL in data survives; a lone surrogate is stored as U+FFFD, as clients receive it', async () => {
      const path = tempDatabase();
      const log = openLog({ path });
      const withNul = (await log.append(eventFields({ data: 'a\0b' })))!;
      const lone = (await log.append(eventFields({ id: 'id-\ud800', data: 'x\udc00y', topics: ['t\ud800'] })))!;
      assert.equal(lone.id, 'id-\ufffd');
      assert.equal(lone.data, 'x\ufffdy');
      assert.deepEqual(lone.topics, ['t\ufffd']);
      await log.close();
      const reopened = openLog({ path });
      assert.deepEqual((await reopened.read(0, 10)).entries, [withNul, lone]);
      assert.equal(await reopened.lookup('id-\ufffd'), lone.position, 'the id a client sends back');
      assert.equal(await reopened.lookup('id-\ud800'), lone.position, 'the id as appended');
      await reopened.close();
    });

    test('lookup of an id longer than any stored one, or of a non-string, is null', async () => {
      const log = openLog({ path: tempDatabase() });
      assert.equal(await log.lookup('x'.repeat(100_000)), null);
      assert.equal(await log.lookup(5 as unknown as string), null);
      await log.close();
    });

    test('a listener that throws does not stop the others, nor fail the append', async (t) => {
      const log = openLog({ path: tempDatabase() });
      const thrown: unknown[] = [];
      const original = globalThis.queueMicrotask;
      t.mock.method(globalThis, 'queueMicrotask', (callback: () => void) =>
        original(() => {
          try {
            callback();
          } catch (error) {
            thrown.push(error);
          }
        }),
      );
      const seen: number[] = [];
      log.follow(() => {
        throw new Error('listener bug');
      });
      log.follow((entry) => seen.push(entry.position));
      const entry = await log.append(eventFields());
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(seen, [entry!.position]);
      assert.equal((thrown[0] as Error).message, 'listener bug');
      await log.close();
      assert.equal(log.health().state, 'down');
      assert.throws(() => log.follow(() => {}), { code: 'LOG_CLOSED' });
    });
  });

  describe(`sqlite log (${driver}): the window of recent entries in front of the file`, () => {
    test('reads answer the same from the window as from the file, trims and gaps included; window entries are shared objects', async () => {
      const path = tempDatabase();
      const limits = { maxCount: 30 };
      const log = open(path, limits);
      const positions = [0];
      for (let i = 0; i < 50; i++) positions.push((await log.append(eventFields({ data: `e${i}` })))!.position);
      // From before the kept 30 (a gap), at their edge, inside them, and after the newest.
      const afters = [0, 5, 19, 20, 21, 35, 49, 50].map((i) => positions[i]!);
      const fromWindow = [];
      for (const after of afters) fromWindow.push(await log.read(after, 7));
      // The same page twice: the same entry objects, so their encoding is made once for every replay.
      assert.equal((await log.read(positions[25]!, 3)).entries[0], (await log.read(positions[25]!, 3)).entries[0]);
      await log.close();
      // Reopened: the window is empty, every read comes from the file.
      const reopened = open(path, limits);
      try {
        const fromFile = [];
        for (const after of afters) fromFile.push(await reopened.read(after, 7));
        assert.deepEqual(fromWindow, fromFile);
        assert.ok(
          fromFile.some((page) => page.gap),
          'reads from before the 30 kept report the gap',
        );
      } finally {
        await reopened.close();
      }
    });
  });
}

test('sqlite log: bad options are a TypeError that says how to fix them', () => {
  const path = tempDatabase();
  const bad = (options: unknown, message: RegExp) =>
    assert.throws(
      () => new SqliteLog(options as SqliteLogOptions),
      (error: unknown) => {
        assert.ok(error instanceof TypeError);
        assert.match(error.message, message);
        return true;
      },
    );
  bad(undefined, /SqliteLog needs options such as \{ path: 'events.db' \}/);
  bad('events.db', /SqliteLog needs options/);
  bad({}, /path must be the database file's path/);
  bad({ path: '' }, /path must be the database file's path/);
  bad({ path: 5 }, /path must be the database file's path/);
  bad({ path: ':memory:' }, /use MemoryLog from @tidings\/server/);
  bad({ path: 'a\0b' }, /path must not contain NUL/);
  bad({ path, synchronous: 'off' }, /synchronous must be 'full' or 'normal'/);
  bad({ path, busyTimeout: -1 }, /busyTimeout must be a whole number of milliseconds/);
  bad({ path, busyTimeout: 1.5 }, /busyTimeout must be a whole number of milliseconds/);
  bad({ path, limits: { maxCount: -1 } }, /limits.maxCount must be a whole number of entries >= 0/);
  bad({ path, limits: { maxBytes: 0 } }, /limits.maxBytes must be a whole number of bytes >= 1/);
  bad({ path, limits: 5 }, /limits must be an object/);
  bad({ path, driver: 'sqlite3' }, /driver must be 'node:sqlite', 'better-sqlite3' or undefined/);
  assert.ok(!existsSync(path), 'bad options create no file');
});

/** Every ordered pair of two different drivers available here (none on a Node with only one). */
const pairs = DRIVERS.flatMap((a) =>
  DRIVERS.filter((b) => b !== a).map((b) => [a, b] as [SqliteDriverName, SqliteDriverName]),
);

for (const [first, second] of pairs) {
  describe(`sqlite log: ${first}, then ${second} on the same file`, () => {
    test('a file written by one driver opens with the other, entries, counters and gap intact', async () => {
      const path = tempDatabase();
      const writer = new SqliteLog({ path, driver: first, limits: { maxCount: 3 } });
      const stored = [];
      for (let i = 0; i < 5; i++) stored.push((await writer.append(eventFields({ data: `a\0b ${i}`, retry: i })))!);
      const bytes = writer.bytes;
      await writer.close();
      const reader = new SqliteLog({ path, driver: second, limits: { maxCount: 3 } });
      try {
        assert.equal(reader.driver, second);
        assert.deepEqual(await reader.read(0, 10), { entries: stored.slice(2), gap: true });
        assert.equal(reader.size, 3);
        assert.equal(reader.bytes, bytes);
        assert.equal(await reader.lookup(stored[4]!.id), stored[4]!.position);
        assert.equal((await reader.append(eventFields()))!.position, 6, 'positions go on where the other left off');
      } finally {
        await reader.close();
      }
    });

    // Two SQLite libraries in one process do not see each other's locks (POSIX locks belong to the
    // process), and closing the second's file handle would drop the first's locks; only the log can tell.
    test('while one driver holds the file, a log of this process with the other driver is refused', async () => {
      const path = tempDatabase();
      const holder = new SqliteLog({ path, driver: first });
      try {
        await holder.append(eventFields());
        assert.throws(
          () => new SqliteLog({ path, driver: second, busyTimeout: 0 }),
          (error: unknown) =>
            error instanceof EventLogError &&
            error.code === 'LOG_UNAVAILABLE' &&
            /in use by another process or connection/.test(error.message) &&
            !error.message.includes(path),
        );
        assert.ok(await holder.append(eventFields()), 'the refused open took nothing from the holder');
        assert.equal((await holder.read(0, 10)).entries.length, 2);
      } finally {
        await holder.close();
      }
      const next = new SqliteLog({ path, driver: second, busyTimeout: 0 });
      assert.equal(next.size, 2, 'once closed, the other driver opens it');
      await next.close();
    });
  });
}
