// Tests with a real second process (test/fixtures/log-child.ts, run from the TypeScript sources as
// scripts/test.mjs runs the tests): the file lock between processes, what survives a SIGKILL, and a disk
// that fails under a running log.
import assert from 'node:assert/strict';
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { EventLogError, type LogEntry } from '@tidings/server';
import { type SqliteDriverName, SqliteLog, type SqliteSynchronous } from '@tidings/sqlite';
import { DRIVERS } from './drivers.ts';
import { tempDatabase } from './temp-databases.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./fixtures/log-child.ts', import.meta.url));
const NODE_ARGS = ['--conditions=tidings-source', '--import', 'tsx', CHILD];
/** Milliseconds a child may take to print what a test waits for (tsx compiles the sources at its start). */
const CHILD_TIMEOUT_MS = 30_000;

type Message = Record<string, unknown>;

class Child {
  readonly messages: Message[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #process: ChildProcessByStdio<null, Readable, Readable>;
  #stderr = '';
  #waiters: (() => void)[] = [];

  /**
   * Starts log-child.ts with these arguments, its logs on `driver`; with `fileLimitBlocks`, under `ulimit -f`
   * (512-byte blocks).
   */
  constructor(args: string[], driver: SqliteDriverName, fileLimitBlocks?: number) {
    const command = fileLimitBlocks === undefined ? process.execPath : '/bin/sh';
    const argv =
      fileLimitBlocks === undefined
        ? [...NODE_ARGS, ...args]
        : ['-c', `ulimit -f ${fileLimitBlocks} && exec "$0" "$@"`, process.execPath, ...NODE_ARGS, ...args];
    this.#process = spawn(command, argv, {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TIDINGS_TEST_SQLITE_DRIVER: driver },
    });
    // 'close', not 'exit': a killed child's last lines can still be in the pipe when it has exited, and a
    // test that compares what it read with the file must have read all of them.
    this.exited = once(this.#process, 'close').then(([code, signal]) => ({ code, signal }));
    this.#process.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stderr += chunk;
    });
    // Only whole lines count: a SIGKILL may cut the last one short.
    let partial = '';
    this.#process.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      for (const line of lines) this.messages.push(JSON.parse(line) as Message);
      for (const wake of this.#waiters) wake();
    });
    this.#process.on('exit', () => {
      for (const wake of this.#waiters) wake();
    });
  }

  /** Resolves once the child has printed `count` messages; rejects when it exits first or takes too long. */
  async waitFor(count: number): Promise<Message[]> {
    const deadline = Date.now() + CHILD_TIMEOUT_MS;
    while (this.messages.length < count) {
      if (this.#process.exitCode !== null || this.#process.signalCode !== null || Date.now() > deadline) {
        assert.fail(`the child printed ${this.messages.length} of ${count} messages; its stderr:\n${this.#stderr}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 250);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.#waiters = [];
    }
    return this.messages;
  }

  async kill(): Promise<void> {
    if (this.#process.exitCode === null && this.#process.signalCode === null) this.#process.kill('SIGKILL');
    await this.exited;
  }
}

/** Runs a child that prints one message and exits; resolves that message. */
async function runChild(args: string[], driver: SqliteDriverName, fileLimitBlocks?: number): Promise<Message[]> {
  const child = new Child(args, driver, fileLimitBlocks);
  const { code } = await child.exited;
  assert.equal(code, 0, `the child failed: ${JSON.stringify(child.messages)}`);
  return child.messages;
}

/** The code of the error a child reported, if it reported one. */
function errorCode(message: Message | undefined): unknown {
  return (message?.error as { code?: unknown } | undefined)?.code;
}

async function readAll(log: SqliteLog): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  for (let after = 0; ; ) {
    const { entries } = await log.read(after, 500);
    out.push(...entries);
    if (entries.length < 500) return out;
    after = entries.at(-1)!.position;
  }
}

// Every pair of drivers, the same one twice included: between processes the lock is the operating system's.
for (const [holding, opening] of DRIVERS.flatMap((a) => DRIVERS.map((b) => [a, b] as const))) {
  describe(`sqlite log: one process per file (held with ${holding}, opened with ${opening})`, () => {
    test('another process cannot open a file that a live process holds, and can once that process is killed', async () => {
      const path = tempDatabase();
      const holder = new Child(['hold', path], holding);
      try {
        assert.equal((await holder.waitFor(1))[0]!.driver, holding);
        assert.throws(
          () => new SqliteLog({ path, busyTimeout: 0, driver: opening }),
          (error: unknown) =>
            error instanceof EventLogError &&
            error.code === 'LOG_UNAVAILABLE' &&
            /in use by another process or connection/.test(error.message),
        );
        const [refused] = await runChild(['open', path], opening);
        assert.equal(errorCode(refused), 'LOG_UNAVAILABLE');
      } finally {
        await holder.kill();
      }
      // The operating system drops a killed process's locks: a restarted hub needs no clean-up.
      const log = new SqliteLog({ path, busyTimeout: 0, driver: opening });
      try {
        const { id } = holder.messages[0] as { id: string };
        assert.deepEqual(
          (await log.read(0, 10)).entries.map((e) => e.id),
          [id],
          'what the killed process appended is there',
        );
        assert.equal(log.size, 1);
        const [whileHeld] = await runChild(['open', path], holding);
        assert.equal(errorCode(whileHeld), 'LOG_UNAVAILABLE');
      } finally {
        await log.close();
      }
      const [afterClose] = await runChild(['open', path], holding);
      assert.deepEqual(afterClose, { opened: true });
    });
  });
}

for (const driver of DRIVERS) {
  describe(`sqlite log (${driver}): durability`, () => {
    for (const synchronous of ['full', 'normal'] as SqliteSynchronous[]) {
      test(`synchronous ${synchronous}: every append a SIGKILLed process saw resolve is in the file, in order`, async () => {
        const path = tempDatabase();
        const child = new Child(['append', path, '1000000', synchronous], driver);
        try {
          await child.waitFor(250);
        } finally {
          await child.kill();
        }
        const reported = child.messages as { position: number; id: string }[];
        assert.ok(reported.length >= 250 && !('done' in reported.at(-1)!), 'killed while appending');
        const log = new SqliteLog({ path, driver });
        try {
          const entries = await readAll(log);
          // Each append was awaited before the next, so at most one was committed but not yet reported.
          assert.ok(
            entries.length === reported.length || entries.length === reported.length + 1,
            `${reported.length} appends reported, ${entries.length} stored`,
          );
          assert.deepEqual(
            entries.slice(0, reported.length).map(({ position, id }) => ({ position, id })),
            reported,
          );
          entries.forEach((entry, i) => {
            assert.equal(entry.position, i + 1);
            assert.equal(entry.id, `child-${i}`);
            assert.equal(entry.data, `data of child-${i}`);
          });
          assert.equal(log.size, entries.length, 'the counters were committed with the rows');
          assert.ok(
            (await log.append({ id: 'after', topics: [], data: '', private: false, publishedAt: Date.now() }))!,
          );
        } finally {
          await log.close();
        }
      });
    }
  });

  test(`sqlite log (${driver}): a failing disk rejects the append as LOG_UNAVAILABLE, marks the log down, and it recovers`, async () => {
    const path = tempDatabase();
    // 200 KiB per file: the small entries fit, a 500 kB one cannot be written to the WAL.
    const messages = await runChild(['fill', path, String(500_000)], driver, 400);
    const up = { state: 'up', error: null, feedLag: 0 };
    const down = { state: 'down', error: 'a disk I/O error (SQLITE_IOERR_WRITE)', feedLag: 0 };
    assert.deepEqual(messages, [
      { id: 'small-1', stored: true, health: up },
      { id: 'small-2', stored: true, health: up },
      {
        id: 'too-big',
        error: {
          name: 'EventLogError',
          code: 'LOG_UNAVAILABLE',
          message: 'the SQLite event log failed: a disk I/O error (SQLITE_IOERR_WRITE)',
        },
        health: down,
      },
      // Reads still work, but a read says nothing about writes: the log stays down until an append works.
      { read: ['small-1', 'small-2'], health: down },
      { id: 'small-3', stored: true, health: up },
    ]);
    const log = new SqliteLog({ path, driver });
    try {
      const entries = await readAll(log);
      assert.deepEqual(
        entries.map((e) => [e.position, e.id]),
        [
          [1, 'small-1'],
          [2, 'small-2'],
          [3, 'small-3'],
        ],
        'the failed append stored nothing and took no position',
      );
      assert.equal(
        log.bytes,
        entries.reduce((sum, e) => sum + e.size, 0),
      );
    } finally {
      await log.close();
    }
  });
}
