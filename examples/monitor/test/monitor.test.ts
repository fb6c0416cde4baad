import assert from 'node:assert/strict';
import { test } from 'node:test';
import { failOnPageErrors, TEST_RETRY_MS, waitForState } from '../../test-support/e2e.ts';
import { checkReplayAfterCut } from '../../test-support/replay-test.ts';
import { readStreamText, spawnExample } from '../../test-support/spawn-example.ts';
import { useBrowser } from '../../test-support/use-browser.ts';
import { ProcessSampler } from '../processes.ts';
import { startMonitor } from '../server.ts';

const browser = useBrowser();

test('the page shows connections, requests, uptime, load and processes as they arrive', async () => {
  const app = await startMonitor({ port: 0, intervalMs: 50, processIntervalMs: 200, retryMs: TEST_RETRY_MS });
  const first = await browser().newPage();
  const second = await browser().newPage();
  const errors = [failOnPageErrors(first), failOnPageErrors(second)];
  try {
    await first.goto(app.url);
    await waitForState(first, 'open');
    await first.waitForFunction(() => document.getElementById('connections')?.textContent === '1');
    // A second page connecting shows on the first one: the live `connections` figure.
    await second.goto(app.url);
    await waitForState(second, 'open');
    await first.waitForFunction(() => document.getElementById('connections')?.textContent === '2');
    await second.close();
    await first.waitForFunction(() => document.getElementById('connections')?.textContent === '1');

    await first.waitForFunction(() => /^\d+$/.test(document.getElementById('requests')?.textContent ?? ''));
    assert.ok(Number(await first.textContent('#requests')) >= 4, 'page, style, helper and script, and streams');
    assert.match((await first.textContent('#uptime')) ?? '', /^\d\d:\d\d:\d\d$/);
    assert.match((await first.textContent('#load')) ?? '', /^\d+\.\d\d {2}\d+\.\d\d {2}\d+\.\d\d$/);
    // This machine has /proc: the list is read from it and this test's own process is busy enough to show.
    await first.waitForFunction(() => document.querySelectorAll('#processes tbody tr').length > 0);
    assert.equal(await first.textContent('#processes-note'), 'Read from /proc.');
    const firstRow = await first.$$eval('#processes tbody tr:first-child td', (cells) =>
      cells.map((c) => c.textContent),
    );
    assert.match(firstRow[0] ?? '', /^\d+$/, 'a pid');
    assert.match(firstRow[2] ?? '', /^\d+\.\d$/, 'a CPU share');
    assert.deepEqual(errors.flat(), []);
  } finally {
    await first.close();
    await app.close();
  }
});

test('after a cut the page reconnects with Last-Event-ID and shows every missed event once, in order', () =>
  checkReplayAfterCut(browser(), {
    start: (options) => startMonitor({ ...options, processIntervalMs: null }),
    streamPath: '/stats',
    what: 'monitor',
    // The page also shows `connections` events, sent by the channel's listeners rather than by tick().
    others: true,
    publish: (app) => app.tick(),
    afterReplay: async (page) => {
      // While the page was away the server also published `connections: 0`; it was replayed like the rest.
      const events = await page.$$eval('#log li', (items) => items.map((i) => `${(i as HTMLElement).dataset.event}`));
      assert.ok(events.includes('connections') && events.includes('processes') && events.includes('load'));
      assert.equal(await page.textContent('#connections'), '1');
    },
  }));

test('a browser asking /stats for a page is sent to the monitor page; unknown paths get 404', async () => {
  const app = await startMonitor({ port: 0, intervalMs: null, processIntervalMs: null });
  try {
    const redirect = await fetch(new URL('/stats', app.url), { headers: { accept: 'text/html' }, redirect: 'manual' });
    assert.equal(redirect.status, 302);
    assert.equal(redirect.headers.get('location'), '/');
    const missing = await fetch(new URL('/nope', app.url));
    assert.equal(missing.status, 404);
    assert.match(await missing.text(), /Not found: \/nope/);
  } finally {
    await app.close();
  }
});

test('the process sampler reads /proc and ranks by CPU share', async () => {
  const sampler = new ProcessSampler();
  const firstSample = await sampler.sample(3);
  assert.equal(firstSample.source, 'proc');
  assert.ok(firstSample.processes.length > 0 && firstSample.processes.length <= 3);
  const busy = Date.now() + 200;
  while (Date.now() < busy) {
    // Spin for 200 ms, so this process uses a whole CPU until the second sample.
  }
  const second = await sampler.sample(Number.MAX_SAFE_INTEGER);
  const self = second.processes.find((p) => p.pid === process.pid);
  assert.ok(self, 'this process is in the list');
  // The share since the previous sample, not since start: the spin shows even on a busy shared machine.
  assert.ok(self.cpuPercent > 5, `this process used a share of a CPU, got ${self.cpuPercent}`);
  assert.ok(self.rssBytes > 1024 * 1024, 'resident memory in bytes');
  const shares = second.processes.map((p) => p.cpuPercent);
  assert.deepEqual(
    shares,
    [...shares].sort((a, b) => b - a),
    'sorted by CPU share, highest first',
  );
});

test('`npm start -w examples/monitor` serves the page and the /stats stream', async () => {
  const example = await spawnExample('monitor');
  try {
    const page = await fetch(example.url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>Tidings server monitor<\/title>/);
    const { text } = await readStreamText(new URL('/stats', example.url).href, (t) =>
      /event: uptime\ndata: \d+\n/.test(t),
    );
    assert.match(text, /event: connections\ndata: 1\n/);
    assert.match(text, /event: uptime\ndata: \d+\n/);
  } finally {
    await example.stop();
  }
});
