// Issue 14 §1, in headless Chromium with its own EventSource: one page opens 12 streams to the hub over
// HTTPS (HTTP/2, --dev-cert) and every one gets live updates; the same page against the hub on plain
// HTTP/1.1 gets six open streams and a seventh that waits (CONNECTING, nothing received), until one of the
// six closes. Both in one test, so the difference is seen rather than assumed.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../../../test-support/browser.ts';
import { connectH2, publishH2 } from './support/h2-client.ts';
import { KEY, type RunningHub, startHub } from './support/hub-process.ts';
import { PUBLISH_ALL, publish, token } from './support/sse.ts';

const TOPIC = 'https://example.com/many';
const publisher = token(PUBLISH_ALL);
/** Browsers open at most six HTTP/1.1 connections to one host and port. */
const HTTP1_CONNECTIONS_PER_HOST = 6;

let pages: Server;
let pageOrigin: string;
let tlsHub: RunningHub;
let plainHub: RunningHub;
let browser: Browser;

/**
 * --ignore-certificate-errors for this test only: the hub's development certificate is self-signed, and a
 * fresh profile cannot be told to trust it.
 */
const launchIgnoringCertificateErrors = () => launchBrowser(['--ignore-certificate-errors']);

before(async () => {
  pages = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>many streams</title>'),
  );
  pages.listen(0, '127.0.0.1');
  await once(pages, 'listening');
  pageOrigin = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
  const common = ['--jwt-key', KEY, '--anonymous', '--cors-origins', pageOrigin];
  [tlsHub, plainHub] = await Promise.all([startHub([...common, '--dev-cert']), startHub(common)]);
  browser = await launchIgnoringCertificateErrors();
});
after(async () => {
  await browser?.close();
  pages?.close();
  await Promise.all([tlsHub?.stop(), plainHub?.stop()]);
});

interface SourceState {
  readyState: number;
  got: string[];
}

/** Opens `count` EventSources to `href` in the page, recorded under `name`. */
function openSources(page: Page, name: string, href: string, count: number) {
  return page.evaluate(
    ({ name, href, count }) => {
      const w = window as unknown as Record<string, { source: EventSource; got: string[] }[]>;
      w[name] = Array.from({ length: count }, () => {
        const entry = { source: new EventSource(href), got: [] as string[] };
        entry.source.onmessage = (event) => entry.got.push(event.data);
        return entry;
      });
    },
    { name, href, count },
  );
}

function states(page: Page, name: string): Promise<SourceState[]> {
  return page.evaluate((name) => {
    const w = window as unknown as Record<string, { source: EventSource; got: string[] }[]>;
    return w[name]!.map(({ source, got }) => ({ readyState: source.readyState, got: [...got] }));
  }, name);
}

/** Waits until the sources at `indexes` satisfy `predicate`. */
function waitForSources(page: Page, name: string, indexes: number[], predicate: string) {
  return page.waitForFunction(
    ({ name, indexes, predicate }) => {
      const w = window as unknown as Record<string, { source: EventSource; got: string[] }[]>;
      const check = new Function('source', 'got', `return ${predicate};`);
      return indexes.every((i) => check(w[name]![i]!.source, w[name]![i]!.got));
    },
    { name, indexes, predicate },
    { timeout: 15_000 },
  );
}

async function subscribers(metricsUrl: string, get: (url: string) => Promise<string>): Promise<number> {
  const match = /^tidings_subscribers (\d+)$/m.exec(await get(metricsUrl));
  assert.ok(match, 'tidings_subscribers in /metrics');
  return Number(match[1]);
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

test('12 EventSources over HTTP/2 all get live updates; over HTTP/1.1 the seventh waits for a connection', async () => {
  assert.match(tlsHub.url, /^https:/);
  assert.match(plainHub.url, /^http:/, 'without TLS flags the hub serves plain HTTP');
  const control = await connectH2(tlsHub.url);
  const getH2 = async (url: string) => {
    const stream = control.request({ ':path': new URL(url).pathname });
    let text = '';
    stream.setEncoding('utf8');
    for await (const chunk of stream) text += chunk;
    return text;
  };
  const getH1 = async (url: string) => (await fetch(url)).text();
  const page = await browser.newPage();
  try {
    await page.goto(pageOrigin);
    const query = `?topic=${encodeURIComponent(TOPIC)}`;

    // HTTPS: one connection, twelve streams, all open and all live.
    await openSources(page, 'tls', `${tlsHub.hubUrl}${query}`, 12);
    await waitForSources(page, 'tls', range(12), 'source.readyState === 1');
    assert.equal(await subscribers(`${tlsHub.url}/metrics`, getH2), 12);
    const sent = await publishH2(control, publisher, [
      ['topic', TOPIC],
      ['data', 'to twelve over h2'],
    ]);
    assert.equal(sent.status, 200);
    await waitForSources(page, 'tls', range(12), "got.includes('to twelve over h2')");

    // Plain HTTP/1.1, same page: six connections open, the seventh stream waits for one.
    await openSources(page, 'plain', `${plainHub.hubUrl}${query}`, HTTP1_CONNECTIONS_PER_HOST + 1);
    await waitForSources(page, 'plain', range(HTTP1_CONNECTIONS_PER_HOST), 'source.readyState === 1');
    const plainPublish = (data: string) =>
      publish(
        plainHub.hubUrl,
        [
          ['topic', TOPIC],
          ['data', data],
        ],
        { token: publisher },
      ).then(({ status }) => assert.equal(status, 200));
    await plainPublish('to the six');
    await waitForSources(page, 'plain', range(HTTP1_CONNECTIONS_PER_HOST), "got.includes('to the six')");
    const seventh = (await states(page, 'plain'))[HTTP1_CONNECTIONS_PER_HOST]!;
    assert.deepEqual(seventh, { readyState: 0, got: [] }, 'the seventh is still CONNECTING and got nothing');
    assert.equal(await subscribers(`${plainHub.url}/metrics`, getH1), HTTP1_CONNECTIONS_PER_HOST);
    // It was waiting for a connection, not broken: once one of the six closes, it opens and is live.
    await page.evaluate(() =>
      (window as unknown as Record<string, { source: EventSource }[]>).plain![0]!.source.close(),
    );
    await waitForSources(page, 'plain', [HTTP1_CONNECTIONS_PER_HOST], 'source.readyState === 1');
    await plainPublish('to the seventh');
    await waitForSources(page, 'plain', [HTTP1_CONNECTIONS_PER_HOST], "got.includes('to the seventh')");

    // And the twelve HTTP/2 streams are still live.
    await publishH2(control, publisher, [
      ['topic', TOPIC],
      ['data', 'still live'],
    ]);
    await waitForSources(page, 'tls', range(12), "got.includes('still live')");
  } finally {
    await page.close();
    control.destroy();
  }
});
