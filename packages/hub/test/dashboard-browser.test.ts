// The dashboard in headless Chromium. Against the started CLI (`tidings hub --dashboard`, as npm start runs
// it): the page loads with a token from the link, a publish from the form shows in the live pane, private
// updates reach it with the token, the topics table counts subscribers. In-process (so only this test
// publishes): the charts move when updates are published and delivered.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../../../test-support/browser.ts';
import { openPage, startDashboardHub } from './dashboard-support.ts';
import { KEY, type RunningHub, startHub } from './support/hub-process.ts';
import { subscribe, token, url } from './support/sse.ts';

let hub: RunningHub;
let browser: Browser;
/** What `npm start` hands the operator: a token that may publish and subscribe to everything. */
const devToken = token({ mercure: { publish: ['*'], subscribe: ['*'] } });

before(async () => {
  hub = await startHub(['--anonymous', '--jwt-key', KEY, '--dashboard']);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  assert.equal(await hub.stop(), 0);
});

/** Opens `target` (a dashboard page) and waits for its stats stream; records errors and requests elsewhere. */
const open = (target: string, origin: string) => openPage(browser, target, origin, '#stats-state[data-state="open"]');

async function subscribeLive(page: Page, selector: string) {
  await page.fill('#live-form input[name="topic"]', selector);
  await page.click('#live-form button');
  await page.waitForSelector('#live-state[data-state="open"]');
}

async function publishFromForm(page: Page, fields: { topic: string; data: string; type?: string; private?: boolean }) {
  await page.evaluate(() => delete document.getElementById('publish-result')!.dataset.id);
  await page.fill('#publish-form input[name="topic"]', fields.topic);
  await page.fill('#publish-form textarea[name="data"]', fields.data);
  await page.fill('#publish-form input[name="type"]', fields.type ?? '');
  await page.setChecked('#publish-form input[name="private"]', fields.private ?? false);
  await page.click('#publish-form button');
  await page.waitForSelector('#publish-result[data-id]');
  return (await page.getAttribute('#publish-result', 'data-id'))!;
}

test('the dashboard loads from the link npm start prints: token taken from #token=, then removed from the address', async () => {
  const { page, problems } = await open(`${hub.url}/#token=${devToken}`, hub.url);
  try {
    assert.equal(await page.inputValue('#token'), devToken);
    assert.equal(new URL(page.url()).hash, '', 'the token left the address bar');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('tidings-dashboard-token')), devToken);
    assert.match((await page.textContent('#subscribers'))!, /^\d+$/);
    assert.match((await page.textContent('#uptime'))!, /\d+s$/);
    // The project's own EventSource came from the hub, not from anywhere else.
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('a publish from the form shows in the live pane, with its id and type; private ones too, with the token', async () => {
  const { page, problems } = await open(`${hub.url}/#token=${devToken}`, hub.url);
  try {
    await subscribeLive(page, 'https://example.com/books/{id}');
    const id = await publishFromForm(page, {
      topic: 'https://example.com/books/7',
      data: 'hello from the form',
      type: 'book',
    });
    const item = await page.waitForSelector(`#live li[data-id="${id}"]`);
    assert.equal(await item.getAttribute('data-type'), 'book');
    assert.equal(await item.$eval('.data', (node) => node.textContent), 'hello from the form');

    const secret = await publishFromForm(page, {
      topic: 'https://example.com/books/8',
      data: 'for token holders',
      private: true,
    });
    await page.waitForSelector(`#live li[data-id="${secret}"]`);
    assert.equal(await page.textContent(`#live li[data-id="${secret}"] .data`), 'for token holders');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('without a token the form shows the 401 and the topics table hides names; with it, names and counts show', async () => {
  const { page } = await open(`${hub.url}/`, hub.url);
  const other = await subscribe(url(hub.hubUrl, [['topic', 'https://example.com/counted']]));
  try {
    assert.equal(await page.inputValue('#token'), '');
    await page.fill('#publish-form input[name="topic"]', 'https://example.com/x');
    await page.click('#publish-form button');
    await page.waitForFunction(() => document.getElementById('publish-result')!.textContent!.startsWith('401'));
    assert.match((await page.textContent('#publish-result'))!, /paste a publisher token/);
    await page.waitForFunction(() => /not shown/.test(document.getElementById('topics-note')!.textContent!));
    assert.equal(await page.$('#topics tr[data-selector="https://example.com/counted"]'), null);

    // Paste the token: the stats stream reopens with it and the names appear, with their counts.
    await page.fill('#token', devToken);
    await page.dispatchEvent('#token', 'change');
    const row = '#topics tr[data-selector="https://example.com/counted"] .subscribers';
    await page.waitForSelector(row);
    assert.equal(await page.textContent(row), '1');
    const second = await subscribe(url(hub.hubUrl, [['topic', 'https://example.com/counted']]));
    try {
      await page.waitForFunction((selector) => document.querySelector(selector)?.textContent === '2', row);
    } finally {
      second.close();
    }
    await page.waitForFunction((selector) => document.querySelector(selector)?.textContent === '1', row);
  } finally {
    other.close();
    await page.close();
  }
});

test('a bad token on an --anonymous hub: the live pane says the token was refused and how to go on without it', async () => {
  const { page, problems } = await open(`${hub.url}/`, hub.url);
  try {
    await page.waitForFunction(() => /^\d+$/.test(document.getElementById('subscribers')!.textContent!));
    await page.fill('#token', token({ mercure: { subscribe: ['*'] } }, 'not-the-hub-key-but-32-bytes-or-more'));
    await page.dispatchEvent('#token', 'change');
    await page.fill('#live-form input[name="topic"]', 'https://example.com/books/{id}');
    await page.click('#live-form button');
    await page.waitForFunction(() => document.getElementById('live-state')!.textContent!.startsWith('closed: 401'));
    const text = (await page.textContent('#live-state'))!;
    assert.match(text, /the hub refused the token/);
    assert.match(text, /untick "Send the token"/);
    assert.doesNotMatch(text, /--anonymous/, 'the hub has it already: that advice would be wrong');

    // Unticked, the same pane subscribes without the token, as the hint says.
    await page.setChecked('#live-form input[name="withToken"]', false);
    await page.click('#live-form button');
    await page.waitForSelector('#live-state[data-state="open"]');
    // The browser's own console line about the 401 is the only problem.
    assert.ok(
      problems.every((problem) => /401/.test(problem)),
      problems.join('\n'),
    );
  } finally {
    await page.close();
  }
});

test('the charts move: publish and delivery rates rise when updates are published and delivered', async () => {
  const own = await startDashboardHub({ anonymous: true, publisherKey: { key: KEY } }, { sampleInterval: 200 });
  const { page, problems } = await open(`${own.url}/`, own.url);
  try {
    await subscribeLive(page, 'https://example.com/chart');
    const chart = (id: string) =>
      page.$eval(`#${id} svg`, (svg) => ({
        max: Number((svg as SVGElement).dataset.max),
        last: Number((svg as SVGElement).dataset.last),
        points: svg.querySelector('polyline')!.getAttribute('points'),
      }));
    // Nothing published yet: flat lines at zero.
    await page.waitForFunction(
      () => Number(document.querySelector('#publish-chart svg')!.getAttribute('data-count')) >= 2,
    );
    assert.equal((await chart('publish-chart')).max, 0);
    assert.equal((await chart('delivery-chart')).max, 0);
    await page.waitForFunction(
      () => document.querySelector('#subscribers-chart svg')!.getAttribute('data-last') === '1',
    );
    const before = (await chart('publish-chart')).points;

    for (let i = 0; i < 40; i++) {
      await own.hub.publish({ topics: 'https://example.com/chart', data: String(i) });
      if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await page.waitForFunction(
      () => Number(document.querySelector('#publish-chart svg')!.getAttribute('data-max')) > 0,
    );
    await page.waitForFunction(
      () => Number(document.querySelector('#delivery-chart svg')!.getAttribute('data-max')) > 0,
    );
    assert.notEqual((await chart('publish-chart')).points, before, 'the line was redrawn');
    await page.waitForFunction(() => document.querySelectorAll('#live li').length === 40);
    await page.waitForFunction(() => document.getElementById('updates-published')!.textContent === '40');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
    await own.close();
  }
});
