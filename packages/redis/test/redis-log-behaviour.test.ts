// What the shared suite does not cover: the key layout (and the id index trimmed with the stream),
// the limits of this package, positions that never go back when Redis lost its keys, age trimming
// without appends, stats and health, and connecting to a Redis that is not there. On the machine's
// Redis, each test under a prefix of its own that is deleted afterwards.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { RedisLog, type RedisLogOptions } from '@tidings/redis';
import type { LogEntry } from '@tidings/server';
import { createClient } from 'redis';
import { eventFields, feedEntries } from '../../../test-support/event-log-suite.ts';
import { freePort } from '../../../test-support/redis-server-process.ts';
import { deletePrefix, skipWithoutRedis, TEST_REDIS_URL, uniquePrefix } from '../../../test-support/redis-test-keys.ts';
import { FEED_SLACK_COUNT, TRIM_BUDGET } from '../src/limits.ts';
import { logKeys } from '../src/log-keys.ts';

const skip = await skipWithoutRedis();
const prefixes = new Set<string>();

function fresh(): string {
  const prefix = uniquePrefix('behaviour');
  prefixes.add(prefix);
  return prefix;
}

async function withLogs<T>(
  options: Omit<RedisLogOptions, 'url'>[],
  fn: (...logs: RedisLog[]) => Promise<T>,
): Promise<T> {
  const logs: RedisLog[] = [];
  try {
    for (const o of options) logs.push(await RedisLog.connect({ url: TEST_REDIS_URL, ...o }));
    return await fn(...logs);
  } finally {
    for (const log of logs) await log.close();
  }
}

const directClient = () => createClient({ url: TEST_REDIS_URL });

/** A plain client on the test's Redis, to look at (and break) the log's keys. */
async function withRedis<T>(fn: (client: ReturnType<typeof directClient>) => Promise<T>): Promise<T> {
  const client = directClient();
  client.on('error', () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    client.destroy();
  }
}

async function appendMany(log: RedisLog, n: number): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  for (let i = 0; i < n; i++) out.push((await log.append(eventFields()))!);
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('redis log', { skip }, () => {
  after(async () => {
    for (const prefix of prefixes) await deletePrefix(TEST_REDIS_URL, prefix);
  });

  test('keys: three under the prefix, with a hash tag; the id index is trimmed with the stream', async () => {
    const prefix = fresh();
    const keys = logKeys(prefix);
    assert.deepEqual(keys, { stream: `${prefix}{log}:stream`, ids: `${prefix}{log}:ids`, meta: `${prefix}{log}:meta` });
    await withLogs([{ prefix, limits: { maxCount: 5 } }], async (log) => {
      await appendMany(log, 50);
      await withRedis(async (redis) => {
        const found: string[] = [];
        for await (const batch of redis.scanIterator({ MATCH: `${prefix}*` })) found.push(...batch);
        assert.deepEqual(found.sort(), [keys.ids, keys.meta, keys.stream]);
        assert.equal(await redis.hLen(keys.ids), 5, 'the id index holds the kept entries only');
        const meta = await redis.hGetAll(keys.meta);
        assert.equal(meta.count, '5');
        assert.equal(meta.seq, '50');
        assert.equal(meta.trimmed, '45');
        // Trimmed entries stay in the stream for lagging feeds, within the slack.
        assert.ok((await redis.xLen(keys.stream)) <= 5 + FEED_SLACK_COUNT);
      });
    });
  });

  test(`one script trims at most ${TRIM_BUDGET} entries; trim() goes on until the limits hold`, async () => {
    const prefix = fresh();
    const keys = logKeys(prefix);
    const total = 2 * TRIM_BUDGET + 500;
    await withLogs([{ prefix }], (log) => appendMany(log, total));
    await withLogs([{ prefix, limits: { maxCount: 10 } }], async (log) => {
      await log.append(eventFields());
      await withRedis(async (redis) => {
        assert.equal(await redis.hGet(keys.meta, 'count'), String(total + 1 - TRIM_BUDGET));
      });
      assert.equal(await log.trim(), total + 1 - TRIM_BUDGET - 10);
      assert.equal((await log.read(0, 100)).entries.length, 10);
      await appendMany(log, 20);
      await withRedis(async (redis) => {
        assert.equal(await redis.hLen(keys.ids), 10);
        assert.ok((await redis.xLen(keys.stream)) <= 10 + FEED_SLACK_COUNT, 'the stream shrank back to the slack');
      });
    });
  });

  test('positions never go back, also when Redis lost the keys under a running log', async () => {
    const prefix = fresh();
    const keys = logKeys(prefix);
    await withLogs([{ prefix }], async (log) => {
      const before = await appendMany(log, 3);
      await withRedis((redis) => redis.del([keys.stream, keys.ids, keys.meta]));
      const next = await log.append(eventFields());
      assert.equal(next!.position, before[2]!.position + 1);
      const page = await log.read(0, 10);
      assert.deepEqual(
        page.entries.map((e) => e.id),
        [next!.id],
      );
      assert.equal(page.gap, true, 'the lost entries are reported, not skipped silently');
      assert.equal(await log.lookup(before[0]!.id), null);
    });
  });

  test('positions never go back when only the counters were lost (a new instance continues after the stream)', async () => {
    const prefix = fresh();
    const keys = logKeys(prefix);
    const before = await withLogs([{ prefix }], (log) => appendMany(log, 3));
    await withRedis((redis) => redis.del(keys.meta));
    await withLogs([{ prefix }], async (log) => {
      const next = await log.append(eventFields());
      assert.equal(next!.position, before[2]!.position + 1);
    });
  });

  test('maxAge trims from a timer, also while nobody appends; the newest stays', async () => {
    await withLogs([{ prefix: fresh(), limits: { maxAge: 300 } }], async (log) => {
      const now = Date.now();
      await log.append(eventFields({ publishedAt: now }));
      const newest = await log.append(eventFields({ publishedAt: now }));
      assert.equal((await log.read(0, 10)).entries.length, 2);
      const until = Date.now() + 3000;
      while ((await log.read(0, 10)).entries.length > 1 && Date.now() < until) await sleep(50);
      assert.deepEqual(
        (await log.read(0, 10)).entries.map((e) => e.id),
        [newest!.id],
      );
    });
  });

  test('a reconnect storm of reads on a busy connection all succeed; appends meanwhile are answered at once', async () => {
    await withLogs([{ prefix: fresh() }], async (log) => {
      for (let i = 0; i < 1000; i++) await log.append(eventFields({ data: 'x'.repeat(200) }));
      // 400 replays at once, 500 entries each: replies queue up past the command timeout, but they come.
      const reads = Array.from({ length: 400 }, (_, i) => log.read(i, 500));
      const started = performance.now();
      const appended = await log.append(eventFields({ data: 'during the storm' }));
      const appendMs = performance.now() - started;
      const pages = await Promise.all(reads);
      assert.ok(appended !== null);
      assert.ok(pages.every((page) => page.entries.length === 500));
      assert.equal(log.health().state, 'up');
      // Reads have a connection of their own: the append did not wait behind them (a 1 s timeout would have failed it).
      assert.ok(appendMs < 1_000, `the append took ${Math.round(appendMs)} ms`);
    });
  });

  test('stats and health follow the feed', async () => {
    await withLogs([{ prefix: fresh() }], async (log) => {
      assert.deepEqual(log.health(), { state: 'up', error: null, feedLag: 0 });
      const start = log.stats.feedPosition;
      const delivered = feedEntries(log, 3);
      const stored = await appendMany(log, 3);
      await delivered;
      assert.deepEqual(log.stats, {
        delivered: 3,
        missed: 0,
        uncertainAppends: 0,
        feedPosition: stored[2]!.position,
        recentEntries: 3,
      });
      assert.equal(start, 0);
      assert.equal(log.health().feedLag, 0);
    });
  });

  test('a closed log refuses every call, and closing again is harmless', async () => {
    const log = await RedisLog.connect({ url: TEST_REDIS_URL, prefix: fresh() });
    await log.close();
    await log.close();
    const closed = { name: 'EventLogError', code: 'LOG_CLOSED' };
    await assert.rejects(log.lookup('x'), closed);
    await assert.rejects(log.earliest(), closed);
    await assert.rejects(log.trim(), closed);
    assert.throws(() => log.follow(() => {}), closed);
    assert.deepEqual(log.health(), { state: 'down', error: 'closed', feedLag: 0 });
  });

  test('connect rejects promptly when Redis is not there, and shows no password', async () => {
    const url = `redis://:s3cret@127.0.0.1:${await freePort()}`;
    const started = Date.now();
    await assert.rejects(
      RedisLog.connect({ url, connectTimeout: 200, commandTimeout: 200 }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'LOG_UNAVAILABLE');
        assert.ok(!error.message.includes('s3cret') && !error.message.includes('127.0.0.1'), error.message);
        return true;
      },
    );
    assert.ok(Date.now() - started < 1500, `connect took ${Date.now() - started} ms`);
    const log = new RedisLog({ url });
    try {
      await assert.rejects(log.append(eventFields()), { code: 'LOG_UNAVAILABLE' });
      const health = log.health();
      assert.equal(health.state, 'down');
      assert.ok(!String(health.error).includes('s3cret'));
    } finally {
      await log.close();
    }
  });
});
