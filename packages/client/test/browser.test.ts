// The browser bundle in headless Chromium, side by side with Chromium's own EventSource: for each
// scenario a page runs the same code on both and the logs must match. Then what only the bundle has
// (error status, iterate) on the same page.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../../../test-support/browser.ts';
import { BUNDLE_FILE_NAME, buildBrowserBundle } from '../scripts/browser-bundle.ts';
import { type RecordedRequest, startServer, type TestServer } from './support/test-server.ts';

// The page's helper: runs one scenario on an EventSource implementation and resolves with its log.
const PAGE = `<!doctype html><meta charset="utf-8"><title>tidings client</title>
<script type="module">
import * as Tidings from '/${BUNDLE_FILE_NAME}';
window.Tidings = Tidings;
window.runScenario = (implementation, url, { stopAfter = 1, closeOnFirst = false, named = [], init } = {}) =>
  new Promise((resolve) => {
    const Impl = implementation === 'native' ? window.EventSource : Tidings.EventSource;
    const log = [];
    let count = 0;
    const source = new Impl(url, init);
    const done = () => { source.close(); resolve(log); };
    setTimeout(() => { log.push('timeout'); done(); }, 5000);
    source.onopen = () => log.push('open:' + source.readyState);
    const onMessage = (event) => {
      count++;
      log.push([event.type, event.data, event.lastEventId, event.origin === location.origin].join('|'));
      if (closeOnFirst) { source.close(); setTimeout(done, 100); }
      else if (count >= stopAfter) done();
    };
    source.onmessage = onMessage;
    for (const type of named) source.addEventListener(type, onMessage);
    source.onerror = () => { log.push('error:' + source.readyState); if (source.readyState === 2) done(); };
  });
window.ready = true;
</script>`;

/** Responses per scenario; `index` counts the requests of one run (one `k` query value). */
const SCENARIOS: Record<
  string,
  (request: RecordedRequest, index: number) => { status?: number; type?: string; body: string; end?: boolean }
> = {
  basic: () => ({
    body: 'id: 1\ndata: hello\n\nevent: tick\ndata: t1\n\n: comment\ndata: a\ndata: b\n\n',
    end: false,
  }),
  reconnect: (request, index) =>
    index === 0
      ? { body: 'retry: 20\nid: 7\ndata: first\n\n' }
      : { body: `data: last-event-id=${request.headers['last-event-id']}\n\n`, end: false },
  'close-in-handler': () => ({ body: 'data: 1\n\ndata: 2\n\n', end: false }),
  'not-found': () => ({ status: 404, type: 'text/plain', body: 'no' }),
  'wrong-type': () => ({ type: 'text/plain', body: 'data: x\n\n' }),
  'no-content': () => ({ status: 204, body: '' }),
};

let server: TestServer;
/** Another origin (another port), answering CORS with credentials for the page's origin. */
let other: TestServer;
let browser: Browser;
let page: Page;
let bundleDir: string;
const counts = new Map<string, number>();

before(async () => {
  bundleDir = mkdtempSync(join(tmpdir(), 'tidings-client-bundle-'));
  const bundlePath = join(bundleDir, BUNDLE_FILE_NAME);
  await buildBrowserBundle(bundlePath);
  const bundle = readFileSync(bundlePath);
  server = await startServer((request, res) => {
    const url = new URL(request.path, 'http://x');
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(PAGE);
      return;
    }
    if (url.pathname === `/${BUNDLE_FILE_NAME}`) {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(bundle);
      return;
    }
    const scenario = SCENARIOS[url.pathname.slice('/s/'.length)];
    if (!scenario) {
      res.writeHead(404).end();
      return;
    }
    const key = `${url.pathname}?${url.searchParams.get('k')}`;
    const index = counts.get(key) ?? 0;
    counts.set(key, index + 1);
    const answer = scenario(request, index);
    res.writeHead(answer.status ?? 200, { 'content-type': answer.type ?? 'text/event-stream' });
    if (answer.end === false) res.write(answer.body);
    else res.end(answer.body);
  });
  other = await startServer((request, res) => {
    const cors = {
      'access-control-allow-origin': server.origin,
      'access-control-allow-credentials': 'true',
      'access-control-allow-headers': 'last-event-id',
    };
    if (request.method === 'OPTIONS') {
      res.writeHead(204, cors).end();
      return;
    }
    res.writeHead(200, { ...cors, 'content-type': 'text/event-stream' });
    res.write(`data: cookie=${request.headers.cookie ?? 'none'}\n\n`);
  });
  browser = await launchBrowser();
  page = await browser.newPage();
  await page.goto(server.url('/'));
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
});

after(async () => {
  await browser?.close();
  await server?.close();
  await other?.close();
  rmSync(bundleDir, { recursive: true, force: true });
});

interface ScenarioOptions {
  init?: { withCredentials: boolean };
  stopAfter?: number;
  closeOnFirst?: boolean;
  named?: string[];
}

async function run(
  implementation: 'native' | 'tidings',
  scenario: string,
  options: ScenarioOptions,
  origin = '',
): Promise<string[]> {
  const path = `${origin}/s/${scenario}?k=${implementation}-${Math.random()}`;
  return page.evaluate(
    ([impl, url, opts]) =>
      (
        window as unknown as { runScenario: (i: string, u: string, o: ScenarioOptions) => Promise<string[]> }
      ).runScenario(impl, url, opts),
    [implementation, path, options] as const,
  );
}

describe('in Chromium, the bundle behaves as the native EventSource', () => {
  const cases: [string, ScenarioOptions, string[]][] = [
    [
      'basic',
      { stopAfter: 3, named: ['tick'] },
      ['open:1', 'message|hello|1|true', 'tick|t1|1|true', 'message|a\nb|1|true'],
    ],
    [
      'reconnect',
      { stopAfter: 2 },
      ['open:1', 'message|first|7|true', 'error:0', 'open:1', 'message|last-event-id=7|7|true'],
    ],
    ['close-in-handler', { closeOnFirst: true }, ['open:1', 'message|1||true']],
    ['not-found', {}, ['error:2']],
    ['wrong-type', {}, ['error:2']],
    ['no-content', {}, ['error:2']],
  ];
  for (const [scenario, options, expected] of cases) {
    test(scenario, async () => {
      const native = await run('native', scenario, options);
      const ours = await run('tidings', scenario, options);
      assert.deepEqual(native, expected, 'the native EventSource does what the standard says');
      assert.deepEqual(ours, native);
    });
  }

  test('cross-origin: withCredentials decides whether cookies go, and no CORS preflight is needed', async () => {
    // cookies belong to a host, not a port: this one is also the other origin's
    await page.context().addCookies([{ name: 'session', value: 'abc', url: server.origin }]);
    for (const withCredentials of [true, false]) {
      const options = { init: { withCredentials } };
      const native = await run('native', 'cors', options, other.origin);
      const ours = await run('tidings', 'cors', options, other.origin);
      const cookie = withCredentials ? 'session=abc' : 'none';
      assert.deepEqual(native, ['open:1', `message|cookie=${cookie}||false`]);
      assert.deepEqual(ours, native);
    }
    assert.ok(other.requests.length >= 4);
    assert.deepEqual(
      other.requests.filter((r) => r.method === 'OPTIONS'),
      [],
      'the first request of a cross-origin stream is a simple request',
    );
  });

  test("relative URLs resolve against the page, and the request headers are a browser EventSource's", async () => {
    const before = server.requests.length;
    const log = await run('tidings', 'basic', { stopAfter: 1 });
    assert.deepEqual(log, ['open:1', 'message|hello|1|true']);
    const request = server.requests.slice(before).find((r) => r.path.startsWith('/s/basic'));
    assert.equal(request?.headers.accept, 'text/event-stream');
    // the browser turns cache mode "no-store" into its own no-cache headers
    assert.equal(request?.headers['cache-control'], 'no-cache');
    assert.equal(request?.headers.pragma, 'no-cache');
    assert.equal(request?.headers['last-event-id'], undefined);
  });
});

describe('in Chromium, what only the bundle has', () => {
  test("isTrusted: the browser keeps it false on the bundle's events (they are made by script); the native's are true", async () => {
    const seen = await page.evaluate(async (url) => {
      const { EventSource: Bundled } = (window as unknown as { Tidings: typeof import('../src/index.ts') }).Tidings;
      const out: Record<string, string[]> = {};
      for (const [name, Impl] of [
        ['native', window.EventSource],
        ['tidings', Bundled],
      ] as const) {
        out[name] = await new Promise<string[]>((resolve) => {
          const log: string[] = [];
          const source = new Impl(`${url}&impl=${name}`);
          source.onopen = (event: Event) => log.push(`open:${event.isTrusted}`);
          source.onmessage = (event: MessageEvent) => {
            log.push(`message:${event.isTrusted}`);
            source.close();
            resolve(log);
          };
        });
      }
      return out;
    }, `/s/basic?k=${Math.random()}`);
    assert.deepEqual(seen, { native: ['open:true', 'message:true'], tidings: ['open:false', 'message:false'] });
  });

  test('error events carry the status and code', async () => {
    const result = await page.evaluate(
      (url) =>
        new Promise<{ code: string; status: number | null; readyState: number }>((resolve) => {
          const { EventSource } = (window as unknown as { Tidings: typeof import('../src/index.ts') }).Tidings;
          const source = new EventSource(url);
          source.onerror = (event) =>
            resolve({ code: event.code, status: event.status, readyState: source.readyState });
        }),
      `/s/not-found?k=${Math.random()}`,
    );
    assert.deepEqual(result, { code: 'HTTP_STATUS', status: 404, readyState: 2 });
  });

  test('iterate() yields events, named ones included, and break closes', async () => {
    const path = `/s/basic?k=${Math.random()}`;
    const seen = await page.evaluate(async (url) => {
      const { iterate } = (window as unknown as { Tidings: typeof import('../src/index.ts') }).Tidings;
      const out: string[] = [];
      for await (const event of iterate(url)) {
        out.push(`${event.type}:${event.data}`);
        if (out.length === 3) break;
      }
      return out;
    }, path);
    assert.deepEqual(seen, ['message:hello', 'tick:t1', 'message:a\nb']);
    const request = server.requests.find((r) => r.path === path);
    await request?.closed;
  });
});
