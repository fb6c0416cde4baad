import assert from 'node:assert/strict';
import { test } from 'node:test';
import { failOnPageErrors, TEST_RETRY_MS, waitForIds, waitForState } from '../../test-support/e2e.ts';
import { checkReplayAfterCut } from '../../test-support/replay-test.ts';
import { readStreamText, spawnExample } from '../../test-support/spawn-example.ts';
import { useBrowser } from '../../test-support/use-browser.ts';
import { startClock } from '../server.ts';

const browser = useBrowser();

test('the page shows the server time as it ticks on its own', async () => {
  const app = await startClock({ port: 0, intervalMs: 50, retryMs: TEST_RETRY_MS });
  const page = await browser().newPage();
  const errors = failOnPageErrors(page);
  try {
    await page.goto(app.url);
    await waitForState(page, 'open');
    await page.waitForFunction(() => document.querySelectorAll('#log li').length >= 3);
    const shown = await page.$eval('#time', (el) => (el as HTMLTimeElement).dateTime);
    assert.ok(Math.abs(Date.parse(shown) - Date.now()) < 60_000, `the page shows a time near now, got ${shown}`);
    assert.match((await page.textContent('#offset')) ?? '', /\d+ ms (ahead of|behind)/);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    await app.close();
  }
});

test('after the server cuts the stream the page reconnects and shows every missed tick once, in order', () =>
  checkReplayAfterCut(browser(), {
    start: startClock,
    streamPath: '/events',
    what: 'clock',
    publish: async (app) => [await app.tick()],
  }));

test('after a server restart the page is told its place is gone, gets what the new server kept, then carries on', async () => {
  const first = await startClock({ port: 0, intervalMs: null, retryMs: TEST_RETRY_MS });
  const page = await browser().newPage();
  const errors = failOnPageErrors(page);
  let second: Awaited<ReturnType<typeof startClock>> | undefined;
  try {
    await page.goto(first.url);
    await waitForState(page, 'open');
    const before = [await first.tick(), await first.tick()];
    await waitForIds(page, '#log li', before);
    await first.close();
    // The same port again, as a restarted server would have: the page reconnects to a server whose
    // history has never seen its Last-Event-ID.
    second = await startClock({ port: first.port, intervalMs: null, retryMs: TEST_RETRY_MS });
    // Most likely published before the page is back: the new server answers the unknown Last-Event-ID with
    // `tidings-replay` saying `earliest` and replays from its oldest kept event, so this tick is not skipped
    // (had the page come back first, it would get the tick live, after the notice all the same).
    const kept = await second.tick();
    await page.waitForSelector('#log li.gap', { timeout: 15_000 });
    await waitForState(page, 'open');
    const after = [kept, await second.tick()];
    await waitForIds(page, '#log li', after);
    // Newest first: the new server's ticks, then the gap notice, then the ticks from before the restart.
    const items = await page.$$eval('#log li', (lis) => lis.map((li) => (li as HTMLElement).dataset.id ?? 'gap'));
    assert.deepEqual(items, [...[...after].reverse(), 'gap', ...[...before].reverse()]);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    await first.close();
    await second?.close();
  }
});

test('unknown paths get 404 and a stream request that does not accept event streams gets 406', async () => {
  const app = await startClock({ port: 0, intervalMs: null });
  try {
    const missing = await fetch(new URL('/nope', app.url));
    assert.equal(missing.status, 404);
    assert.match(await missing.text(), /Not found: \/nope/);
    const notAcceptable = await fetch(new URL('/events', app.url), { headers: { accept: 'text/html' } });
    assert.equal(notAcceptable.status, 406);
    await notAcceptable.body?.cancel();
  } finally {
    await app.close();
  }
});

test('`npm start -w examples/clock` serves the page and ticks every second', async () => {
  const example = await spawnExample('clock');
  try {
    const page = await fetch(example.url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>Tidings clock<\/title>/);
    const { response, text } = await readStreamText(new URL('/events', example.url).href, (t) =>
      /event: time\ndata: .*\n/.test(t),
    );
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.match(text, /id: \S+\nevent: time\ndata: \d{4}-\d\d-\d\dT/);
  } finally {
    await example.stop();
  }
});
