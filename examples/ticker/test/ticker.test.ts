import assert from 'node:assert/strict';
import { test } from 'node:test';
import { failOnPageErrors, TEST_RETRY_MS, waitForIds, waitForState } from '../../test-support/e2e.ts';
import { checkReplayAfterCut } from '../../test-support/replay-test.ts';
import { readStreamText, spawnExample } from '../../test-support/spawn-example.ts';
import { useBrowser } from '../../test-support/use-browser.ts';
import { MIN_PRICE, OPENING_PRICES, PriceWalk, seededRandom } from '../price-walk.ts';
import { startTicker } from '../server.ts';

const browser = useBrowser();

const SYMBOLS = Object.keys(OPENING_PRICES);

test('the page fills a table row and a chart per symbol as prices stream in', async () => {
  const app = await startTicker({ port: 0, intervalMs: 50, retryMs: TEST_RETRY_MS });
  const page = await browser().newPage();
  const errors = failOnPageErrors(page);
  try {
    await page.goto(app.url);
    await waitForState(page, 'open');
    await page.waitForFunction(
      (count) =>
        document.querySelectorAll('#quotes tbody tr').length === count &&
        Array.from(document.querySelectorAll<SVGPolylineElement>('svg.chart polyline')).every(
          (line) => Number(line.dataset.count) >= 3,
        ),
      SYMBOLS.length,
    );
    const rows = await page.$$eval('#quotes tbody tr', (trs) =>
      trs.map((tr) => ({
        symbol: (tr as HTMLElement).dataset.symbol,
        price: tr.querySelector('.price')?.textContent ?? '',
        points: tr.querySelector('polyline')?.getAttribute('points') ?? '',
      })),
    );
    assert.deepEqual(rows.map((r) => r.symbol).sort(), [...SYMBOLS].sort());
    for (const row of rows) {
      assert.match(row.price, /^\d+\.\d\d$/, `${row.symbol} shows a price`);
      assert.match(row.points, /^[\d.]+,[\d.]+( [\d.]+,[\d.]+){2,}/, `${row.symbol} chart has a line`);
    }
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    await app.close();
  }
});

test('after a cut the page reconnects with Last-Event-ID and charts every missed price once, in order', () =>
  checkReplayAfterCut(browser(), {
    start: startTicker,
    streamPath: '/prices',
    what: 'ticker',
    publish: (app) => app.tick(),
    afterReplay: async (page) => {
      // 6 rounds were published (2 before, 3 away, 1 after): every chart has every one of them.
      const counts = await page.$$eval('svg.chart polyline', (lines) =>
        lines.map((line) => (line as SVGPolylineElement).dataset.count),
      );
      assert.deepEqual(
        counts,
        SYMBOLS.map(() => '6'),
      );
    },
  }));

test('after a server restart the page marks the gap and its charts start again from what the new server kept', async () => {
  const first = await startTicker({ port: 0, intervalMs: null, retryMs: TEST_RETRY_MS });
  const page = await browser().newPage();
  const errors = failOnPageErrors(page);
  let second: Awaited<ReturnType<typeof startTicker>> | undefined;
  const chartCounts = () =>
    page.$$eval('svg.chart polyline', (lines) => lines.map((line) => (line as SVGPolylineElement).dataset.count));
  try {
    await page.goto(first.url);
    await waitForState(page, 'open');
    await waitForIds(page, '#log li', [...(await first.tick()), ...(await first.tick())]);
    assert.deepEqual(
      await chartCounts(),
      SYMBOLS.map(() => '2'),
    );
    await first.close();
    // The same port, a new walk from the opening prices, a history that never saw the page's Last-Event-ID.
    second = await startTicker({ port: first.port, intervalMs: null, retryMs: TEST_RETRY_MS });
    const kept = await second.tick();
    await page.waitForSelector('#log li.gap', { timeout: 15_000 });
    await waitForState(page, 'open');
    await waitForIds(page, '#log li', [...kept, ...(await second.tick())]);
    // Not 4: the two prices from before the restart belong to another run and were dropped from the charts.
    assert.deepEqual(
      await chartCounts(),
      SYMBOLS.map(() => '2'),
    );
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    await first.close();
    await second?.close();
  }
});

test('the price walk is repeatable for a seed, moves at most 1 % a step and stays positive', () => {
  const a = new PriceWalk(7);
  const b = new PriceWalk(7);
  const c = new PriceWalk(8);
  const stepsA = Array.from({ length: 200 }, () => a.step());
  assert.deepEqual(
    stepsA,
    Array.from({ length: 200 }, () => b.step()),
  );
  assert.notDeepEqual(stepsA[0], c.step());
  let previous = new Map(Object.entries(OPENING_PRICES));
  for (const quotes of stepsA) {
    for (const quote of quotes) {
      const before = previous.get(quote.symbol) ?? 0;
      assert.ok(Math.abs(quote.price - before) <= before * 0.01 + 0.005, `${quote.symbol} moved at most 1 %`);
      assert.ok(quote.price >= MIN_PRICE);
    }
    previous = new Map(quotes.map((q) => [q.symbol, q.price]));
  }
  const random = seededRandom(1);
  for (let i = 0; i < 1000; i++) {
    const n = random();
    assert.ok(n >= 0 && n < 1);
  }
});

test('`npm start -w examples/ticker` serves the page and price events with JSON data', async () => {
  const example = await spawnExample('ticker');
  try {
    const page = await fetch(example.url);
    assert.match(await page.text(), /<title>Tidings stock ticker<\/title>/);
    const { text } = await readStreamText(new URL('/prices', example.url).href, (t) =>
      /event: price\ndata: .*\n/.test(t),
    );
    const data = /event: price\ndata: (.*)\n/.exec(text)?.[1] ?? '';
    const quote = JSON.parse(data) as { symbol: string; price: number };
    assert.ok(SYMBOLS.includes(quote.symbol));
    assert.equal(typeof quote.price, 'number');
  } finally {
    await example.stop();
  }
});
