// The demo pages in headless Chromium against the started CLI (`tidings hub --dashboard --demos --anonymous`):
// each subscribes with the browser's native EventSource to the demos' own hub (/demo/hub?topic=…) and
// shows live data published inside the process. Also: the demos work on a hub without --anonymous.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../../../test-support/browser.ts';
import { openPage, startDashboardHub } from './dashboard-support.ts';
import { KEY, type RunningHub, startHub } from './support/hub-process.ts';
import { subscribe } from './support/sse.ts';

let hub: RunningHub;
let browser: Browser;

before(async () => {
  hub = await startHub(['--anonymous', '--jwt-key', KEY, '--dashboard', '--demos']);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  assert.equal(await hub.stop(), 0);
});

/** Opens a demo page and waits for its EventSource to open; records errors and requests elsewhere. */
const openDemo = (name: string) => openPage(browser, `${hub.url}/demo/${name}`, hub.url, '#state[data-state="open"]');

test('ticker: a row and a growing chart per symbol from price events', async () => {
  const { page, problems } = await openDemo('ticker');
  try {
    await page.waitForFunction(() => document.querySelectorAll('#quotes tbody tr').length === 4, null, {
      timeout: 10_000,
    });
    const symbols = await page.$$eval('#quotes tbody tr', (rows) =>
      rows.map((row) => (row as HTMLElement).dataset.symbol),
    );
    assert.deepEqual(symbols.sort(), ['GULL', 'REEF', 'TIDE', 'WAVE']);
    await page.waitForFunction(
      () => Number(document.querySelector('tr[data-symbol="TIDE"] svg')!.getAttribute('data-count')) >= 2,
      null,
      {
        timeout: 10_000,
      },
    );
    assert.match((await page.textContent('tr[data-symbol="TIDE"] .price'))!, /^\d+\.\d\d$/);
    assert.match((await page.textContent('tr[data-symbol="TIDE"] .change'))!, /^[+-]\d+\.\d\d$/);
    await page.waitForFunction(() => document.querySelectorAll('#log li[data-type="price"]').length >= 8);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('ticker: the charts open with the prices the demos’ hub keeps, not empty', async () => {
  const own = await startDashboardHub(
    { anonymous: true },
    { demos: true, demoIntervals: { ticker: 250, monitor: 600_000, clock: 600_000 } },
  );
  try {
    // The ticker's updates published before the page opens, as a subscriber reading the history sees them.
    const before = await subscribe(`${own.url}/demo/hub?topic=urn:tidings:demo:ticker&lastEventID=earliest`);
    await before.waitForEvents(40);
    before.close();
    const published = new Set(before.events.map((event) => event.lastEventId));

    const { page, problems } = await openPage(browser, `${own.url}/demo/ticker`, own.url, '#state[data-state="open"]');
    try {
      const chart = 'tr[data-symbol="TIDE"] svg[data-first-id]';
      await page.waitForSelector(chart);
      const first = (await page.getAttribute(chart, 'data-first-id'))!;
      assert.ok(published.has(first), `the oldest price drawn (${first}) was published before the page opened`);
      await page.waitForFunction(
        (selector) => Number(document.querySelector(selector)!.getAttribute('data-count')) >= 10,
        chart,
      );
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  } finally {
    await own.close();
  }
});

test('monitor: connections, requests, uptime, load average and the busiest processes', async () => {
  const { page, problems } = await openDemo('monitor');
  try {
    await page.waitForFunction(() => document.querySelectorAll('#processes tbody tr').length > 0, null, {
      timeout: 10_000,
    });
    await page.waitForFunction(() => document.getElementById('connections')!.textContent !== '–');
    assert.ok(Number(await page.textContent('#connections')) >= 1, 'this page is connected');
    assert.ok(Number(await page.textContent('#requests')) >= 1);
    assert.match((await page.textContent('#uptime'))!, /^\d+h \d+m \d+s$/);
    assert.match((await page.textContent('#load'))!, /^\d+\.\d\d \d+\.\d\d \d+\.\d\d$/);
    const cells = await page.$$eval('#processes tbody tr:first-child td', (tds) => tds.map((td) => td.textContent));
    assert.equal(cells.length, 4);
    assert.match(cells[0]!, /^\d+$/);
    assert.match(cells[3]!, /MB$/);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('chat: a message sent from one page reaches both; a bad one shows the hub’s reason', async () => {
  const a = await openDemo('chat');
  const b = await openDemo('chat');
  try {
    await a.page.fill('input[name="name"]', 'Ada');
    await a.page.fill('textarea[name="text"]', 'Hello from page A');
    await a.page.click('#send button');
    for (const { page } of [a, b]) {
      await page.waitForFunction(() =>
        [...document.querySelectorAll('#messages li')].some((li) => li.textContent!.includes('Hello from page A')),
      );
      assert.equal(await page.textContent('#messages li:last-child .name'), 'Ada');
    }
    assert.equal(await a.page.inputValue('textarea[name="text"]'), '', 'the box is cleared after sending');

    // Spaces pass the form's `required`; the hub refuses them and the page shows why.
    await a.page.fill('input[name="name"]', '   ');
    await a.page.fill('textarea[name="text"]', 'x');
    await a.page.click('#send button');
    await a.page.waitForSelector('#send-result.error');
    assert.equal(await a.page.textContent('#send-result'), 'name must not be empty');
    assert.deepEqual(b.problems, []);
    // Page A's console shows the browser's own note about the 400 answer, nothing else.
    assert.ok(
      a.problems.every((p) => /400/.test(p)),
      a.problems.join('\n'),
    );
  } finally {
    await a.page.close();
    await b.page.close();
  }
});

test('chat: Enter sends, Shift+Enter starts a new line, and a message keeps its lines', async () => {
  const a = await openDemo('chat');
  const b = await openDemo('chat');
  try {
    await a.page.fill('input[name="name"]', 'Grace');
    await a.page.click('textarea[name="text"]');
    await a.page.fill('textarea[name="text"]', '');
    await a.page.keyboard.type('first line');
    await a.page.keyboard.press('Shift+Enter');
    await a.page.keyboard.type('second line');
    assert.equal(await a.page.inputValue('textarea[name="text"]'), 'first line\nsecond line');
    await a.page.keyboard.press('Enter');
    for (const { page } of [a, b]) {
      const item = await page.waitForSelector('#messages li:has-text("second line")');
      // innerText is what is drawn: the line break shows (white-space: pre-wrap), not a space.
      assert.equal(await item.$eval('.text', (node) => (node as HTMLElement).innerText), 'first line\nsecond line');
      const texts = await page.$$eval('#messages .text', (nodes) => nodes.map((node) => node.textContent));
      assert.ok(!texts.includes('first line'), 'Shift+Enter did not send the first line on its own');
    }
    await a.page.waitForFunction(
      () => (document.querySelector('textarea[name="text"]') as HTMLTextAreaElement).value === '',
    );
    assert.deepEqual(b.problems, []);
  } finally {
    await a.page.close();
    await b.page.close();
  }
});

test('clock: the hub’s time, every second', async () => {
  const { page, problems } = await openDemo('clock');
  try {
    await page.waitForSelector('#time[data-iso]', { timeout: 5_000 });
    const first = (await page.getAttribute('#time', 'data-iso'))!;
    assert.ok(Math.abs(Date.parse(first) - Date.now()) < 60_000);
    await page.waitForFunction((seen) => document.getElementById('time')!.dataset.iso !== seen, first, {
      timeout: 5_000,
    });
    assert.ok(Date.parse((await page.getAttribute('#time', 'data-iso'))!) > Date.parse(first));
    assert.match((await page.textContent('#time'))!, /^\d{2}:\d{2}:\d{2}$/);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('on a hub without anonymous subscribers the demos still show live data: they run on a hub of their own', async () => {
  const own = await startDashboardHub(
    { anonymous: false, publisherKey: { key: KEY } },
    { sampleInterval: 200, demos: true, demoIntervals: { clock: 100 } },
  );
  const page = await browser.newPage();
  try {
    await page.goto(`${own.url}/demo/clock`);
    await page.waitForSelector('#state[data-state="open"]');
    await page.waitForFunction(() => document.querySelectorAll('#log li').length >= 2);
  } finally {
    await page.close();
    await own.close();
  }
});
