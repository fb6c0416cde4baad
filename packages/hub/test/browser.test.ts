// The core cases in headless Chromium with the browser's own EventSource, against the started CLI: the
// page comes from another origin (a tiny server on another port), so CORS and cookies are real.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../../../test-support/browser.ts';
import { KEY, type RunningHub, startHub } from './support/hub-process.ts';
import { PUBLISH_ALL, publish, token } from './support/sse.ts';

let hub: RunningHub;
let pages: Server;
let pageOrigin: string;
let browser: Browser;
const publisher = token(PUBLISH_ALL);

before(async () => {
  pages = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>t</title>'),
  );
  pages.listen(0, '127.0.0.1');
  await new Promise((resolve) => pages.once('listening', resolve));
  pageOrigin = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
  hub = await startHub(['--jwt-key', KEY, '--anonymous', '--cors-origins', pageOrigin]);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  pages?.close();
  assert.equal(await hub.stop(), 0);
});

/** Opens a page that runs `new EventSource(url, init)` and records every message and named event. */
async function openSource(page: Page, params: [string, string][], withCredentials = false, named: string[] = []) {
  const target = new URL(hub.hubUrl);
  for (const [name, value] of params) target.searchParams.append(name, value);
  await page.evaluate(
    ({ href, withCredentials, named }) => {
      const w = window as unknown as { got: string[]; opened: boolean };
      w.got = [];
      w.opened = false;
      const source = new EventSource(href, { withCredentials });
      source.onopen = () => (w.opened = true);
      source.onmessage = (event) => w.got.push(`${event.lastEventId}|${event.data}`);
      for (const type of named)
        source.addEventListener(type, (event) => w.got.push(`${type}|${(event as MessageEvent).data}`));
    },
    { href: target.href, withCredentials, named },
  );
  await page.waitForFunction(() => (window as unknown as { opened: boolean }).opened);
}

const got = (page: Page) => page.evaluate(() => (window as unknown as { got: string[] }).got);
const waitForCount = (page: Page, count: number) =>
  page.waitForFunction((n) => (window as unknown as { got: string[] }).got.length >= n, count, { timeout: 10_000 });

test('browser: an anonymous EventSource receives public updates for its topics, URI templates included', async () => {
  const page = await browser.newPage();
  try {
    await page.goto(pageOrigin);
    await openSource(page, [
      ['topic', 'https://example.com/books/{id}'],
      ['topic', 'raw-string'],
    ]);
    const ids: string[] = [];
    for (const [topic, data] of [
      ['https://example.com/books/1', 'book'],
      ['https://example.com/authors/1', 'author'],
      ['raw-string', 'raw'],
    ]) {
      ids.push(
        (
          await publish(
            hub.hubUrl,
            [
              ['topic', topic!],
              ['data', data!],
            ],
            { token: publisher },
          )
        ).body,
      );
    }
    await waitForCount(page, 2);
    assert.deepEqual(await got(page), [`${ids[0]}|book`, `${ids[2]}|raw`]);
  } finally {
    await page.close();
  }
});

test('browser: private updates are withheld from anonymous EventSources and reach one sending the cookie', async () => {
  const context = await browser.newContext();
  await context.addCookies([
    {
      name: 'mercureAuthorization',
      value: token({ mercure: { subscribe: ['https://example.com/private/{id}'] } }),
      domain: '127.0.0.1',
      path: '/',
      httpOnly: true,
      sameSite: 'Strict',
    },
  ]);
  const anonymous = await browser.newPage();
  const authorized = await context.newPage();
  try {
    await anonymous.goto(pageOrigin);
    await authorized.goto(pageOrigin);
    await openSource(anonymous, [['topic', 'https://example.com/private/{id}']]);
    await openSource(authorized, [['topic', 'https://example.com/private/{id}']], true);
    await publish(
      hub.hubUrl,
      [
        ['topic', 'https://example.com/private/1'],
        ['data', 'secret'],
        ['private', 'on'],
      ],
      { token: publisher },
    );
    await publish(
      hub.hubUrl,
      [
        ['topic', 'https://example.com/private/2'],
        ['data', 'public'],
      ],
      { token: publisher },
    );
    await waitForCount(authorized, 2);
    await waitForCount(anonymous, 1);
    assert.deepEqual(
      (await got(authorized)).map((line) => line.split('|')[1]),
      ['secret', 'public'],
    );
    assert.deepEqual(
      (await got(anonymous)).map((line) => line.split('|')[1]),
      ['public'],
    );
  } finally {
    await context.close();
    await anonymous.close();
  }
});

test('browser: lastEventID in the URL replays what was missed, and the in-band event says where replay started', async () => {
  const topic = 'https://example.com/feed';
  const anchor = (
    await publish(
      hub.hubUrl,
      [
        ['topic', topic],
        ['data', 'seen'],
      ],
      { token: publisher },
    )
  ).body;
  const missed = (
    await publish(
      hub.hubUrl,
      [
        ['topic', topic],
        ['data', 'missed'],
      ],
      { token: publisher },
    )
  ).body;
  const page = await browser.newPage();
  try {
    await page.goto(pageOrigin);
    await openSource(
      page,
      [
        ['topic', topic],
        ['lastEventID', anchor],
      ],
      false,
      ['tidings-replay'],
    );
    const live = (
      await publish(
        hub.hubUrl,
        [
          ['topic', topic],
          ['data', 'live'],
        ],
        { token: publisher },
      )
    ).body;
    await waitForCount(page, 3);
    assert.deepEqual(await got(page), [
      `tidings-replay|${JSON.stringify({ lastEventId: anchor, requested: anchor })}`,
      `${missed}|missed`,
      `${live}|live`,
    ]);
  } finally {
    await page.close();
  }
});
