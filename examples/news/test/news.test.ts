import assert from 'node:assert/strict';
import { test } from 'node:test';
import { failOnPageErrors, readIds, TEST_RETRY_MS, waitForState } from '../../test-support/e2e.ts';
import { checkReplayAfterCut } from '../../test-support/replay-test.ts';
import { spawnExample } from '../../test-support/spawn-example.ts';
import { useBrowser } from '../../test-support/use-browser.ts';
import { headline, SECTIONS } from '../headlines.ts';
import { startNews } from '../server.ts';

const browser = useBrowser();

test('headlines appear newest at the top, each with the time it arrived', async () => {
  const app = await startNews({ port: 0, intervalMs: null, retryMs: TEST_RETRY_MS });
  const page = await browser().newPage();
  const errors = failOnPageErrors(page);
  try {
    await page.goto(app.url);
    await waitForState(page, 'open');
    assert.equal(await page.isVisible('#empty'), true, 'says it waits for the first headline');
    const ids = [await app.tick(), await app.tick(), await app.tick()];
    await page.waitForFunction(() => document.querySelectorAll('#headlines li').length === 3);
    assert.deepEqual(await readIds(page, '#headlines li'), [...ids].reverse(), 'newest first');
    const items = await page.$$eval('#headlines li', (lis) =>
      lis.map((li) => ({
        title: li.querySelector('.title')?.textContent,
        arrived: li.querySelector<HTMLTimeElement>('time.arrived')?.dateTime ?? '',
        meta: li.querySelector('.meta')?.textContent ?? '',
      })),
    );
    assert.equal(items[0]?.title, headline(2).title);
    assert.equal(items[2]?.title, headline(0).title);
    for (const item of items) {
      assert.ok(Math.abs(Date.parse(item.arrived) - Date.now()) < 60_000, 'arrival time is now');
      assert.match(item.meta, /^\w+ · arrived \d\d:\d\d:\d\d\.\d{3}$/);
    }
    assert.equal(await page.isVisible('#empty'), false);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    await app.close();
  }
});

test('after a cut the page reconnects with Last-Event-ID and shows every missed headline once, in order', () =>
  checkReplayAfterCut(browser(), {
    start: startNews,
    streamPath: '/news',
    what: 'news',
    selector: '#headlines li',
    publish: async (app) => [await app.tick()],
  }));

test('the headlines vary from one to the next and use the known sections', () => {
  const titles = Array.from({ length: 25 }, (_, n) => headline(n).title);
  assert.equal(new Set(titles).size, 25, '25 different headlines in a row');
  for (let n = 0; n < 25; n++) assert.ok(SECTIONS.includes(headline(n).section));
});

test('`npm start -w examples/news` serves the page and news events', async () => {
  const example = await spawnExample('news');
  try {
    const page = await fetch(example.url);
    assert.match(await page.text(), /<title>Tidings news feed<\/title>/);
    const response = await fetch(new URL('/news', example.url), { headers: { accept: 'text/event-stream' } });
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    await response.body?.cancel();
  } finally {
    await example.stop();
  }
});
