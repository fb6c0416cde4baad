// A QUERY subscription from a page on another origin, in headless Chromium against the started CLI: the
// browser sends the CORS preflight (QUERY is not a CORS-safelisted method), the hub allows it for a
// --cors-origins origin, and the page reads the event stream through fetch(); from an unlisted origin the
// browser refuses to send it.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../../../test-support/browser.ts';
import { KEY, type RunningHub, startHub } from './support/hub-process.ts';
import { PUBLISH_ALL, publish, token } from './support/sse.ts';

let browser: Browser;
let hub: RunningHub;
let listed: Server;
let unlisted: Server;
const originOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

/** A server for the page's origin: an empty HTML page at every path. */
async function pageServer(): Promise<Server> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>app</title>');
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

before(async () => {
  listed = await pageServer();
  unlisted = await pageServer();
  hub = await startHub(['--jwt-key', KEY, '--anonymous', '--cors-origins', originOf(listed)]);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  listed?.close();
  unlisted?.close();
  assert.equal(await hub.stop(), 0);
});

/** In the page: a QUERY subscription with a form body; resolves the first `data:` line, or the error. */
const subscribeInPage = ([hubUrl, topic]: [string, string]) =>
  new Promise<string>((resolve) => {
    fetch(hubUrl, {
      method: 'QUERY',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/event-stream' },
      body: new URLSearchParams({ match: topic }),
    }).then(
      async (response) => {
        (window as unknown as { opened: number }).opened = response.status;
        const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
        let text = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return resolve(`ended: ${text}`);
          text += value;
          const data = /^data: (.*)$/m.exec(text);
          if (data) return resolve(data[1]!);
        }
      },
      (error: Error) => resolve(`refused: ${error.name}`),
    );
  });

test('a page on a --cors-origins origin subscribes with QUERY after the preflight', async () => {
  const page = await browser.newPage();
  try {
    await page.goto(originOf(listed));
    const topic = `https://example.com/query-browser/${Math.random()}`;
    const received = page.evaluate(subscribeInPage, [hub.hubUrl, topic] as [string, string]);
    await page.waitForFunction(() => (window as unknown as { opened?: number }).opened === 200);
    assert.equal(
      (
        await publish(
          hub.hubUrl,
          [
            ['topic', topic],
            ['data', 'via QUERY'],
          ],
          { token: token(PUBLISH_ALL) },
        )
      ).status,
      200,
    );
    assert.equal(await received, 'via QUERY');
  } finally {
    await page.close();
  }
});

test('from an unlisted origin the preflight grants nothing: the page cannot subscribe', async () => {
  const page = await browser.newPage();
  try {
    await page.goto(originOf(unlisted));
    const result = await page.evaluate(subscribeInPage, [hub.hubUrl, 'https://example.com/never'] as [string, string]);
    assert.equal(result, 'refused: TypeError');
  } finally {
    await page.close();
  }
});
