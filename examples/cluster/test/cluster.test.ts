// examples/cluster end to end: two real `tidings hub` processes on the machine's Redis (TIDINGS_TEST_REDIS_URL,
// else REDIS_URL, else redis://127.0.0.1:6379), each test with a key prefix of its own, and the page in
// headless Chromium. The core scenario: a page on each node, a node killed, its page moves to the other
// node and shows every number once, in order; the node comes back; the other node is stopped; both pages
// move back. Waits are for conditions on the page, never fixed sleeps.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Page } from 'playwright-core';
import { failOnPageErrors, WAIT_MS } from '../../test-support/e2e.ts';
import { readStreamText, START_TIMEOUT_MS, spawnExample } from '../../test-support/spawn-example.ts';
import { useBrowser } from '../../test-support/use-browser.ts';
import { checkRedis, deleteKeys, newPrefix } from '../redis-keys.ts';
import { type ClusterApp, type ClusterStatus, startCluster, TOPIC } from '../server.ts';

const REDIS_URL = process.env.TIDINGS_TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const TEST_PREFIX = `tidings-test:example-cluster:${process.pid}:`;
let prefixes = 0;
const testPrefix = () => `${TEST_PREFIX}${prefixes++}:`;
/** Prefixes made by the example itself (the one command), deleted after the tests as well. */
const examplePrefixes: string[] = [];

// Redis is what this example is about. With CI=true a Redis that does not answer fails the file; elsewhere
// the tests are skipped with the reason.
const redisProblem = await checkRedis(REDIS_URL).then(
  () => null,
  (error: unknown) => (error instanceof Error ? error.message : String(error)),
);
if (redisProblem !== null && process.env.CI === 'true') throw new Error(redisProblem);
const skip = redisProblem ?? false;

const browser = useBrowser();

after(async () => {
  if (redisProblem !== null) return;
  await deleteKeys(REDIS_URL, TEST_PREFIX);
  for (const prefix of examplePrefixes) await deleteKeys(REDIS_URL, prefix);
});

const start = (intervalMs: number | null) =>
  startCluster({ port: 0, intervalMs, redisUrl: REDIS_URL, prefix: testPrefix(), log: null });

/** What the page shows: its node, its counters, and the log (oldest first). */
interface PageView {
  readonly on: string;
  readonly state: string;
  readonly moves: number;
  readonly received: number;
  readonly first: number | null;
  readonly last: number | null;
  readonly missed: number;
  readonly duplicates: number;
  readonly entries: readonly { id: string; n: number; via: string; on: string }[];
}

async function view(page: Page): Promise<PageView> {
  // Only plain expressions in the page: tsx names inner functions with a helper that the page does not have.
  const raw = await page.evaluate(() => ({
    on: document.getElementById('on')?.dataset.node ?? '',
    state: document.getElementById('state')?.dataset.state ?? '',
    counters: ['moves', 'received', 'first', 'last', 'missed', 'duplicates'].map(
      (id) => document.getElementById(id)?.textContent ?? '',
    ),
    entries: Array.from(document.querySelectorAll<HTMLElement>('#log li[data-n]'), (li) => ({ ...li.dataset })),
  }));
  const [moves, received, first, last, missed, duplicates] = raw.counters.map((text) =>
    /^\d+$/.test(text) ? Number(text) : null,
  );
  return {
    on: raw.on,
    state: raw.state,
    moves: moves ?? 0,
    received: received ?? 0,
    first: first ?? null,
    last: last ?? null,
    missed: missed ?? 0,
    duplicates: duplicates ?? 0,
    entries: raw.entries.map((e) => ({ id: e.id ?? '', n: Number(e.n), via: e.via ?? '', on: e.on ?? '' })).reverse(),
  };
}

/** Waits until the page is connected (open) to node `name`. */
async function waitOn(page: Page, name: string): Promise<void> {
  await page.waitForFunction(
    (want) =>
      document.getElementById('on')?.dataset.node === want &&
      document.getElementById('state')?.dataset.state === 'open',
    name,
    { timeout: WAIT_MS },
  );
}

/** Waits until the page has received number `n` (or a later one). */
async function waitForNumber(page: Page, n: number): Promise<void> {
  await page.waitForFunction((want) => Number(document.getElementById('last')?.textContent) >= want, n, {
    timeout: WAIT_MS,
  });
}

/** Every number once, in order, from the first the page received to the last; and the counters say so. */
function assertComplete(shown: PageView, what: string): void {
  assert.ok(shown.first !== null && shown.last !== null, `${what}: nothing received`);
  const numbers = shown.entries.map((e) => e.n);
  const expected = Array.from({ length: shown.last - shown.first + 1 }, (_, i) => shown.first! + i);
  assert.deepEqual(numbers, expected, `${what}: numbers missing, repeated or out of order`);
  assert.equal(shown.received, expected.length, `${what}: the received counter`);
  assert.equal(shown.missed, 0, `${what}: the missed counter`);
  assert.equal(shown.duplicates, 0, `${what}: the duplicates counter`);
}

/** The node each received event arrived on, runs collapsed: ['a', 'b'] means "on a, then on b". */
function nodesInTurn(shown: PageView): string[] {
  return shown.entries.map((e) => e.on).filter((on, i, all) => i === 0 || all[i - 1] !== on);
}

/** The `lastEventID` of every hub subscription the page opened, in order (null when it sent none). */
function watchSubscriptions(page: Page): { url: URL; lastEventID: string | null }[] {
  const seen: { url: URL; lastEventID: string | null }[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname === '/.well-known/mercure') seen.push({ url, lastEventID: url.searchParams.get('lastEventID') });
  });
  return seen;
}

async function post(app: ClusterApp, path: string, headers: Record<string, string> = {}) {
  const response = await fetch(new URL(path, app.url), { method: 'POST', headers });
  return { status: response.status, text: await response.text() };
}

/** True while `pid` is a live process (a zombie waiting to be reaped counts as gone). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function waitUntil(what: string, done: () => boolean | Promise<boolean>, ms = WAIT_MS): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const hubPids = (status: ClusterStatus) =>
  [status.nodes.a.pid, status.nodes.b.pid].filter((pid): pid is number => pid !== null);

test('a killed node moves its page to the other node with no gap and no duplicate; so does a stopped one', {
  skip,
}, async () => {
  const app = await start(100);
  const pages = [await browser().newPage(), await browser().newPage()] as const;
  const [onA, onB] = pages;
  const errors = pages.map((page) => failOnPageErrors(page));
  const subscriptions = pages.map((page) => watchSubscriptions(page));
  const pids = hubPids(app.status());
  try {
    await onA.goto(`${app.url}?node=a`);
    await onB.goto(`${app.url}?node=b`);
    await Promise.all([waitOn(onA, 'a'), waitOn(onB, 'b')]);
    const flowing = ((await view(onB)).last ?? 0) + 4;
    await Promise.all([waitForNumber(onA, flowing), waitForNumber(onB, flowing)]);
    const early = await view(onA);
    assert.deepEqual(new Set(early.entries.map((e) => e.via)), new Set(['a', 'b']), 'published through both nodes');

    // Kill node a: a crash, not a shutdown. Its page notices, moves to b and asks for what came after the
    // last id it saw; b replays it from the shared history.
    const killed = await post(app, '/nodes/a/stop?signal=SIGKILL');
    assert.equal(killed.status, 200, killed.text);
    assert.equal(JSON.parse(killed.text).state, 'down');
    await waitOn(onA, 'b');
    const afterMove = ((await view(onB)).last ?? 0) + 5;
    await Promise.all([waitForNumber(onA, afterMove), waitForNumber(onB, afterMove)]);
    const movedOnce = await view(onA);
    assertComplete(movedOnce, 'the page that was on node a');
    assertComplete(await view(onB), 'the page on node b');
    assert.deepEqual(nodesInTurn(movedOnce), ['a', 'b']);
    assert.equal(movedOnce.moves, 1);
    const lastOnA = movedOnce.entries.filter((e) => e.on === 'a').at(-1)!;
    const move = subscriptions[0]!.at(-1)!;
    assert.equal(move.url.origin, new URL(app.status().nodes.b.url!).origin, 'the page moved to node b');
    assert.equal(move.lastEventID, lastOnA.id, 'it asked node b for what came after the last event node a gave it');
    // Published while node a was down: every number through node b.
    const whileDown = movedOnce.entries.filter((e) => e.n > lastOnA.n + 2);
    assert.ok(whileDown.length > 0 && whileDown.every((e) => e.via === 'b'));

    // Node a comes back on the same port and is published to again.
    const started = await post(app, '/nodes/a/start');
    assert.equal(started.status, 200, started.text);
    assert.equal(JSON.parse(started.text).url, app.status().nodes.a.url);
    const restartedAt = (await view(onB)).last ?? 0;
    await onB.waitForFunction(
      (after) =>
        Array.from(document.querySelectorAll<HTMLElement>('#log li[data-via="a"]')).some(
          (li) => Number(li.dataset.n) > after,
        ),
      restartedAt,
      { timeout: WAIT_MS },
    );

    // Stop node b gracefully (SIGTERM: the hub ends its streams and exits): both pages move to node a.
    const stopped = await post(app, '/nodes/b/stop');
    assert.equal(stopped.status, 200, stopped.text);
    await Promise.all([waitOn(onA, 'a'), waitOn(onB, 'a')]);
    const end = Math.max((await view(onA)).last ?? 0, (await view(onB)).last ?? 0) + 5;
    await Promise.all([waitForNumber(onA, end), waitForNumber(onB, end)]);
    const [finalA, finalB] = [await view(onA), await view(onB)];
    assertComplete(finalA, 'the page that moved twice');
    assertComplete(finalB, 'the page that was on node b');
    assert.deepEqual(nodesInTurn(finalA), ['a', 'b', 'a']);
    assert.deepEqual(nodesInTurn(finalB), ['b', 'a']);
    assert.deepEqual([finalA.moves, finalB.moves], [2, 1]);
    // Both pages saw the same events in the same order where they overlap. The timer keeps publishing while
    // the two views are read one after the other, so the second may already hold an event or two more.
    const [from, to] = [Math.max(finalA.first!, finalB.first!), Math.min(finalA.last!, finalB.last!)];
    const overlap = (v: PageView) => v.entries.filter((e) => e.n >= from && e.n <= to).map((e) => e.id);
    assert.deepEqual(overlap(finalA), overlap(finalB));
    assert.deepEqual(errors, [[], []]);
  } finally {
    for (const page of pages) await page.close();
    await app.close();
  }
  for (const pid of [...pids, ...hubPids(app.status())]) assert.equal(isRunning(pid), false, `hub ${pid} still runs`);
  assert.equal(await deleteKeys(REDIS_URL, app.prefix), 0, 'close() deleted the keys of its prefix');
});

test('tick() publishes the next number through a live node, and not at all while both are down', { skip }, async () => {
  const app = await start(null);
  try {
    assert.deepEqual(
      [await app.tick(), await app.tick()].map((p) => p && [p.n, p.via]),
      [
        [1, 'a'],
        [2, 'b'],
      ],
    );
    await app.stopNode('a', 'SIGKILL');
    assert.deepEqual((await app.tick())?.via, 'b', 'number 3 goes to b while a is down');
    await app.stopNode('b');
    assert.equal(await app.tick(), null, 'nothing is published while both are down');
    await app.startNode('b');
    const next = await app.tick();
    assert.deepEqual(next && [next.n, next.via], [4, 'b'], 'the number that found no node is published later');
    // The history has each number once, in order: read it through node b from the start.
    const { text } = await readStreamText(
      `${app.status().nodes.b.url}/.well-known/mercure?topic=${encodeURIComponent(TOPIC)}&lastEventID=earliest`,
      (t) => t.includes('"n":4'),
    );
    assert.deepEqual(
      Array.from(text.matchAll(/"n":(\d+),"via":"(\w)"/g), (m) => `${m[1]}${m[2]}`),
      ['1a', '2b', '3b', '4b'],
    );
  } finally {
    await app.close();
  }
});

test('the control endpoints and the page: methods, names, signals, origins, and a CSP naming both hubs', {
  skip,
}, async () => {
  const app = await start(null);
  try {
    const { a, b } = app.status().nodes;
    assert.equal((await post(app, '/nodes/c/stop')).status, 404);
    assert.equal((await fetch(new URL('/nodes/a/stop', app.url))).status, 405);
    assert.equal((await post(app, '/nodes/a/stop?signal=SIGHUP')).status, 400);
    assert.equal((await post(app, '/nodes/a/stop', { origin: 'https://evil.example' })).status, 403);
    assert.equal(app.status().nodes.a.state, 'up', 'refused requests stopped nothing');
    const page = await fetch(app.url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>Tidings cluster<\/title>/);
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'self'/);
    assert.ok(csp.includes(`connect-src 'self' ${a.url} ${b.url}`), csp);
    const nodes = (await (await fetch(new URL('/nodes', app.url))).json()) as ClusterStatus;
    assert.deepEqual([nodes.nodes.a.state, nodes.nodes.b.state, nodes.topic], ['up', 'up', TOPIC]);
    // The page's own origin may stop a node; stopping a node that is down is a no-op.
    const stop = await post(app, '/nodes/a/stop', { origin: new URL(app.url).origin });
    assert.equal(JSON.parse(stop.text).state, 'down');
    assert.equal((await post(app, '/nodes/a/stop')).status, 200);
    assert.equal((await fetch(new URL('/nope', app.url))).status, 404);
  } finally {
    await app.close();
  }
});

test('bad options are refused with a TypeError; an unreachable Redis is said plainly before any hub starts', async () => {
  await assert.rejects(startCluster({ port: 0, intervalMs: 0 }), /intervalMs must be a whole number/);
  await assert.rejects(startCluster({ port: -1 }), /port must be an integer from 0 to 65535/);
  await assert.rejects(startCluster({ redisUrl: 'http://127.0.0.1:6379' }), TypeError);
  await assert.rejects(startCluster({ prefix: '' }), /prefix must be/);
  await assert.rejects(
    startCluster({ port: 0, redisUrl: 'redis://127.0.0.1:1', log: null }),
    /cannot reach Redis at redis:\/\/127\.0\.0\.1:1: start it, or set REDIS_URL/,
  );
});

test('`npm start -w examples/cluster` starts both hubs and the page, and stops them all', { skip }, async () => {
  const example = await spawnExample('cluster', { REDIS_URL });
  let status: ClusterStatus | undefined;
  try {
    const page = await fetch(example.url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>Tidings cluster<\/title>/);
    status = (await (await fetch(new URL('/nodes', example.url))).json()) as ClusterStatus;
    examplePrefixes.push(status.prefix);
    assert.match(status.prefix, /^tidings-example-cluster:/);
    assert.deepEqual([status.nodes.a.state, status.nodes.b.state], ['up', 'up']);
    for (const node of [status.nodes.a, status.nodes.b]) {
      const { text } = await readStreamText(
        `${node.url}/.well-known/mercure?topic=${encodeURIComponent(status.topic)}`,
        (t) => /event: tick\ndata: .*\n/.test(t),
      );
      assert.match(text, /id: urn:tidings:example:cluster:\w+:\d+\nevent: tick\ndata: \{"n":\d+,"via":"[ab]"/);
    }
  } finally {
    await example.stop();
  }
  const pids = hubPids(status);
  await waitUntil('the hubs to stop', () => pids.every((pid) => !isRunning(pid)));
  await waitUntil('the keys to be deleted', async () => (await deleteKeys(REDIS_URL, status.prefix)) === 0);
});

test('hubs do not outlive the example, even when it is killed with SIGKILL', { skip }, async () => {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=tidings-source', '--import', 'tsx', join(import.meta.dirname, '..', 'main.ts')],
    { env: { ...process.env, PORT: '0', REDIS_URL }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  try {
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no URL within ${START_TIMEOUT_MS} ms:\n${output}`)),
        START_TIMEOUT_MS,
      );
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /cluster example on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      };
      child.stdout!.on('data', read);
      child.stderr!.on('data', read);
      child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
    });
    const status = (await (await fetch(new URL('/nodes', url))).json()) as ClusterStatus;
    examplePrefixes.push(status.prefix);
    const pids = hubPids(status);
    assert.equal(pids.length, 2);
    child.kill('SIGKILL');
    await waitUntil('the hubs to notice the example is gone and stop', () => pids.every((pid) => !isRunning(pid)));
  } finally {
    child.kill('SIGKILL');
  }
});

test('each start has a prefix of its own', () => {
  assert.notEqual(newPrefix(), newPrefix());
  assert.match(newPrefix(), /^tidings-example-cluster:[a-z0-9]+-[0-9a-f]{8}:$/);
});
