// What the log does when Redis or the network fails: on a redis-server of the test's own (a free port, a
// temporary folder, append-only with fsync always), which the tests kill, freeze and restart, with a TCP
// proxy in front for the network's failures. The machine's Redis is never touched here.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { RedisLog } from '@tidings/redis';
import type { LogEntry } from '@tidings/server';
import { eventFields } from '../../../test-support/event-log-suite.ts';
import { RedisServerProcess } from '../../../test-support/redis-server-process.ts';
import { TcpProxy } from './tcp-proxy.ts';

/** An append while Redis is unreachable must answer within this (the hub answers 503 with it). */
const PROMPT_MS = 2500;
/** A log must be up again within this after Redis is back. */
const RECOVERY_MS = 10_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(what: string, predicate: () => boolean, ms = RECOVERY_MS): Promise<void> {
  const until = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out waiting for: ${what}`);
    await sleep(20);
  }
}

/** Every entry the log's feed delivers from now on. */
function record(log: RedisLog): LogEntry[] {
  const seen: LogEntry[] = [];
  log.follow((entry) => seen.push(entry));
  return seen;
}

const ids = (entries: readonly { id: string }[]) => entries.map((e) => e.id);

let prefixCount = 0;
const prefix = () => `faults:${++prefixCount}:`;

describe('redis log under failures', () => {
  let server: RedisServerProcess;
  const open: RedisLog[] = [];
  const proxies: TcpProxy[] = [];
  const crashes: unknown[] = [];
  const onCrash = (error: unknown) => crashes.push(error);

  async function connect(url: string, logPrefix: string): Promise<RedisLog> {
    const log = await RedisLog.connect({ url, prefix: logPrefix });
    open.push(log);
    return log;
  }

  async function proxy(): Promise<TcpProxy> {
    const p = await TcpProxy.start(server.port);
    proxies.push(p);
    return p;
  }

  before(async () => {
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
    server = await RedisServerProcess.start();
  });

  afterEach(async () => {
    for (const log of open.splice(0)) await log.close();
    for (const p of proxies.splice(0)) await p.close();
    if (!server.running) await server.start();
    server.thaw();
    assert.deepEqual(crashes, [], 'no uncaught error and no unhandled rejection');
  });

  after(async () => {
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    await server?.dispose();
  });

  test('Redis crashes: appends reject promptly, health is down; after a restart the same instances recover and the feed goes on in order', async () => {
    const name = prefix();
    const a = await connect(server.url, name);
    const b = await connect(server.url, name);
    const onB = record(b);
    const stored = await a.append(eventFields());
    assert.ok(stored);

    await server.kill();
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      await assert.rejects(a.append(eventFields()), { name: 'EventLogError', code: 'LOG_UNAVAILABLE' });
      assert.ok(Date.now() - started < PROMPT_MS, `append took ${Date.now() - started} ms to reject`);
    }
    await waitUntil('a is down', () => a.health().state === 'down', PROMPT_MS);
    assert.match(a.health().error ?? '', /redis/);
    assert.doesNotMatch(a.health().error ?? '', /redis:\/\/|127\.0\.0\.1/, 'health shows no URL or address');
    await assert.rejects(a.read(0, 10), { code: 'LOG_UNAVAILABLE' });

    await server.start();
    await waitUntil('a is up', () => a.health().state === 'up');
    await waitUntil('b is up', () => b.health().state === 'up');
    const later = [await a.append(eventFields()), await b.append(eventFields()), await a.append(eventFields())];
    await waitUntil('b delivered the appends after recovery', () => onB.length >= 4);
    assert.deepEqual(ids(onB), ids([stored, ...later.map((e) => e!)]));
    for (let i = 1; i < onB.length; i++) assert.ok(onB[i]!.position > onB[i - 1]!.position);
    // Confirmed before the crash, so it is in the append-only file and came back with the restart.
    assert.equal(await a.lookup(stored.id), stored.position);
    assert.equal(b.stats.missed, 0);
  });

  test('a log started while Redis is down answers promptly and comes up by itself when Redis starts', async () => {
    const late = await RedisServerProcess.start();
    await late.kill();
    const log = new RedisLog({ url: late.url, prefix: prefix() });
    open.push(log);
    try {
      assert.equal(log.health().state, 'down');
      const started = Date.now();
      await assert.rejects(log.append(eventFields()), { code: 'LOG_UNAVAILABLE', message: 'redis is unreachable' });
      assert.ok(Date.now() - started < PROMPT_MS, `append took ${Date.now() - started} ms to reject`);
      await late.start();
      await waitUntil('the log is up', () => log.health().state === 'up');
      const seen = record(log);
      const entry = await log.append(eventFields());
      await waitUntil('the feed delivered it', () => seen.length === 1);
      assert.equal(seen[0]!.id, entry!.id);
    } finally {
      await log.close();
      await late.dispose();
    }
  });

  test("entries appended on node A while node B's connections were down reach B's feed after recovery, in order, without a gap", async () => {
    const name = prefix();
    const net = await proxy();
    const a = await connect(server.url, name);
    const b = await connect(net.url, name);
    const onB = record(b);
    const first = await a.append(eventFields());
    await waitUntil('b delivered the first', () => onB.length === 1);

    net.mode = 'refuse';
    net.cut();
    await waitUntil('b is down', () => b.health().state === 'down', PROMPT_MS);
    const whileDown: LogEntry[] = [];
    for (let i = 0; i < 5; i++) whileDown.push((await a.append(eventFields()))!);

    net.mode = 'pass';
    await waitUntil('b is up', () => b.health().state === 'up');
    await waitUntil('b delivered what it missed', () => onB.length === 6);
    assert.deepEqual(ids(onB), ids([first!, ...whileDown]));
    assert.equal(b.stats.missed, 0);
    assert.equal(b.health().feedLag, 0);
  });

  test('a reply lost after Redis ran the append: the append looks, and resolves the stored entry', async () => {
    const name = prefix();
    const net = await proxy();
    const a = await connect(net.url, name);
    const b = await connect(server.url, name);
    const onB = record(b);
    await a.append(eventFields()); // the script is loaded

    net.mode = 'drop-replies';
    const fields = eventFields();
    const pending = a.append(fields);
    await sleep(100); // Redis ran it; the reply went nowhere
    net.mode = 'pass';
    net.cut(); // the connection fails, as it does when a reply is lost
    const entry = await pending;
    assert.ok(entry, 'the append resolved the stored entry');
    assert.equal(entry.id, fields.id);
    assert.equal(await a.lookup(fields.id), entry.position);
    await waitUntil('b delivered it', () => onB.some((e) => e.id === fields.id));
    assert.equal(onB.filter((e) => e.id === fields.id).length, 1);
    assert.equal(a.stats.uncertainAppends, 0);
  });

  test('an append held up in the network past its deadline rejects, and when it reaches Redis late it is not stored', async () => {
    const name = prefix();
    const net = await proxy();
    const a = await connect(net.url, name);
    const b = await connect(server.url, name);
    const onB = record(b);
    await a.append(eventFields());

    net.mode = 'hold';
    const fields = eventFields();
    const started = Date.now();
    await assert.rejects(a.append(fields), { code: 'LOG_UNAVAILABLE' });
    assert.ok(Date.now() - started < PROMPT_MS, `append took ${Date.now() - started} ms to reject`);
    assert.equal(a.stats.uncertainAppends, 1, 'it could not look, so it says it does not know');

    net.release(); // the held request reaches Redis now, after its deadline
    assert.ok(net.releasedBytes > 0);
    await sleep(500);
    assert.equal(await b.lookup(fields.id), null, 'the late script refused to store it');
    assert.ok(!onB.some((e) => e.id === fields.id), 'and no feed delivered it');

    await waitUntil('a is up', () => a.health().state === 'up');
    assert.ok(await a.append(eventFields()));
  });

  test('Redis frozen (SIGSTOP): appends reject promptly, health is down; after SIGCONT the log recovers', async () => {
    const name = prefix();
    const a = await connect(server.url, name);
    const b = await connect(server.url, name);
    const onB = record(b);
    await a.append(eventFields());

    server.freeze();
    const fields = eventFields();
    const started = Date.now();
    await assert.rejects(a.append(fields), { code: 'LOG_UNAVAILABLE' });
    assert.ok(Date.now() - started < PROMPT_MS, `append took ${Date.now() - started} ms to reject`);
    await waitUntil('a is down', () => a.health().state === 'down', PROMPT_MS);

    server.thaw();
    await waitUntil('a is up', () => a.health().state === 'up');
    await waitUntil('b is up', () => b.health().state === 'up');
    const next = await a.append(eventFields());
    await waitUntil('b delivered the next append', () => onB.some((e) => e.id === next!.id));
    // The frozen append ran (if at all) after its deadline: refused, so no node delivers it.
    assert.equal(await a.lookup(fields.id), null);
    assert.ok(!onB.some((e) => e.id === fields.id));
  });

  test('a feed that lagged beyond what the stream keeps for it counts what it missed, never skips silently', async () => {
    const name = prefix();
    const net = await proxy();
    const limits = { maxCount: 0 };
    const a = await RedisLog.connect({ url: server.url, prefix: name, limits });
    const b = await RedisLog.connect({ url: net.url, prefix: name, limits });
    open.push(a, b);
    const onB = record(b);
    net.mode = 'refuse';
    net.cut();
    const total = 1100; // more than FEED_SLACK_COUNT (1000)
    for (let i = 0; i < total; i++) await a.append(eventFields());
    net.mode = 'pass';
    await waitUntil('b caught up', () => b.stats.delivered + b.stats.missed === total);
    assert.ok(b.stats.missed > 0, 'b missed the entries that left the stream');
    assert.equal(onB.length, b.stats.delivered);
    for (let i = 1; i < onB.length; i++) assert.equal(onB[i]!.position, onB[i - 1]!.position + 1);
    assert.equal(a.stats.missed, 0);
  });
});
