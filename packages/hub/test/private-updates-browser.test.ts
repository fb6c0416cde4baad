// The README's "Private updates" recipe in headless Chromium, against the started CLI: a site on one port
// sets the `mercureAuthorization` cookie (HttpOnly, for the hub's path) and its page subscribes to a hub on
// another port with the native EventSource and `withCredentials`. The user's page receives the private
// update for their topic; a page without the cookie receives the public update only, live and in a replay;
// a page whose cookie holds a bad token gets a 401 and its EventSource stops (CLOSED).
// (The terminal half of the recipe, with curl, runs in test-support/test/readme-shell.test.ts.)
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../../../test-support/browser.ts';
import { KEY, type RunningHub, startHub } from './support/hub-process.ts';
import { PUBLISH_ALL, publish, token } from './support/sse.ts';

const TOPIC = 'https://example.com/users/42/notifications';
const userToken = token({ mercure: { subscribe: [TOPIC] }, exp: Math.floor(Date.now() / 1000) + 3600 });

/** The site's page: one native EventSource on the hub, every event listed, the state kept in #state. */
const PAGE = `<!doctype html><meta charset="utf-8"><title>notifications</title>
<p id="state">connecting</p><ul id="events"></ul>
<script>
  const params = new URLSearchParams(location.search);
  const url = new URL(params.get('hub'));
  url.searchParams.set('topic', ${JSON.stringify(TOPIC)});
  if (params.has('earliest')) url.searchParams.set('lastEventID', 'earliest');
  const source = new EventSource(url, { withCredentials: true });
  const state = () => (document.getElementById('state').textContent = ['connecting', 'open', 'closed'][source.readyState]);
  source.onopen = state;
  source.onerror = state;
  source.onmessage = (event) => {
    const item = document.createElement('li');
    item.dataset.id = event.lastEventId;
    item.textContent = JSON.parse(event.data).text;
    document.getElementById('events').append(item);
  };
</script>`;

let site: Server;
let siteUrl: string;
let hub: RunningHub;
let browser: Browser;

before(async () => {
  site = createServer((request, response) => {
    if (request.url === '/login') {
      // What the README tells the backend to send, word for word.
      response.writeHead(303, {
        location: '/',
        'set-cookie': `mercureAuthorization=${userToken}; Path=/.well-known/mercure; Max-Age=3600; HttpOnly; Secure; SameSite=Strict`,
      });
      response.end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(PAGE);
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  hub = await startHub(['--jwt-key', KEY, '--anonymous', '--cors-origins', siteUrl]);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  assert.equal(await hub?.stop(), 0);
  site?.closeAllConnections();
  await new Promise((resolve) => site?.close(resolve));
});

/** Opens the site's page in `page` (after `path`, which may set the cookie) and waits for its stream to open. */
async function openNotifications(page: Page, path = '/', query = '') {
  if (path !== '/') await page.goto(`${siteUrl}${path}`);
  await page.goto(`${siteUrl}/?hub=${encodeURIComponent(hub.hubUrl)}${query}`);
  await page.waitForFunction(() => document.getElementById('state')!.textContent === 'open');
}

const received = (page: Page) => page.$$eval('#events li', (items) => items.map((item) => item.textContent));

test('the cookie carries the user token to the hub on another port: the user gets the private update, a page without it only the public one', async () => {
  const user = await browser.newContext();
  const anonymous = await browser.newContext();
  try {
    const userPage = await user.newPage();
    const anonymousPage = await anonymous.newPage();
    await openNotifications(userPage, '/login');
    await openNotifications(anonymousPage);
    // HttpOnly: the token is sent with requests, not readable by the page's scripts.
    assert.equal(await userPage.evaluate(() => document.cookie), '');
    const [cookie] = await user.cookies(hub.hubUrl);
    assert.equal(cookie?.name, 'mercureAuthorization', 'the cookie applies to the hub, whose port differs');

    const secret = await publish(
      hub.hubUrl,
      [
        ['topic', TOPIC],
        ['private', 'on'],
        ['data', '{"text":"Your order has shipped"}'],
      ],
      { token: token(PUBLISH_ALL) },
    );
    assert.equal(secret.status, 200, secret.body);
    const open = await publish(
      hub.hubUrl,
      [
        ['topic', TOPIC],
        ['data', '{"text":"The shop closes at six"}'],
      ],
      { token: token(PUBLISH_ALL) },
    );
    assert.equal(open.status, 200, open.body);

    await userPage.waitForFunction(() => document.querySelectorAll('#events li').length === 2);
    assert.deepEqual(await received(userPage), ['Your order has shipped', 'The shop closes at six']);
    // Updates arrive in order: once the public one is there, the private one would have come before it.
    await anonymousPage.waitForFunction(() => document.querySelectorAll('#events li').length >= 1);
    assert.deepEqual(await received(anonymousPage), ['The shop closes at six']);

    // Nor does a replay of the whole history give it away.
    const replay = await anonymous.newPage();
    await openNotifications(replay, '/', '&earliest');
    await replay.waitForFunction(() => document.querySelectorAll('#events li').length >= 1);
    assert.deepEqual(await received(replay), ['The shop closes at six']);
    const userReplay = await user.newPage();
    await openNotifications(userReplay, '/', '&earliest');
    await userReplay.waitForFunction(() => document.querySelectorAll('#events li').length === 2);
    assert.deepEqual(await received(userReplay), ['Your order has shipped', 'The shop closes at six']);
  } finally {
    await user.close();
    await anonymous.close();
  }
});

test('a cookie with a bad token is a 401: the EventSource stops (CLOSED) instead of retrying', async () => {
  const bad = token({ mercure: { subscribe: [TOPIC] } }, 'another-key-of-at-least-32-bytes-long');
  // What the hub answers the page's request (the page itself cannot read it: see the note below).
  const answer = await fetch(`${hub.hubUrl}?topic=${encodeURIComponent(TOPIC)}`, {
    headers: { origin: siteUrl, cookie: `mercureAuthorization=${bad}` },
  });
  assert.equal(answer.status, 401);
  await answer.body?.cancel();

  const context = await browser.newContext();
  try {
    await context.addCookies([
      {
        name: 'mercureAuthorization',
        value: bad,
        domain: new URL(hub.url).hostname,
        path: '/.well-known/mercure',
        httpOnly: true,
        sameSite: 'Strict',
      },
    ]);
    const page = await context.newPage();
    const requests: string[] = [];
    page.on('request', (request) => {
      if (request.url().startsWith(hub.hubUrl)) requests.push(request.url());
    });
    await page.goto(`${siteUrl}/?hub=${encodeURIComponent(hub.hubUrl)}`);
    await page.waitForFunction(() => document.getElementById('state')!.textContent === 'closed');
    // [spec] CLOSED is final: an EventSource in that state never reconnects. The hub's 401 carries no CORS
    // headers, so the page sees a network error rather than the status; either way the browser fails the
    // connection instead of reconnecting.
    assert.equal(await page.evaluate(() => document.querySelectorAll('#events li').length), 0);
    assert.equal(requests.length, 1, requests.join('\n'));
  } finally {
    await context.close();
  }
});
