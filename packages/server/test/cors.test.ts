import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import { type CorsOptions, createCorsPolicy } from '@tidings/server';
import { createSession } from '@tidings/server/node';
import { launchBrowser } from '../../../test-support/browser.ts';
import { resolveSessionOptions } from '../src/session-options.ts';
import { fetchText, listen, openStream } from './helpers.ts';

const APP = 'https://app.example';

async function corsServer(cors: CorsOptions) {
  const server = await listen((req, res) => {
    const session = createSession(req, res, { cors });
    session?.push('hello', { id: '1' });
  });
  return server;
}

describe('CORS', () => {
  it('grants listed origins only, with credentials, and never echoes others', async () => {
    const s = await corsServer({ origins: [APP], credentials: true, exposeHeaders: ['X-Trace'] });
    try {
      const allowed = await openStream(s.url, { origin: APP });
      assert.equal(allowed.res.headers['access-control-allow-origin'], APP);
      assert.equal(allowed.res.headers['access-control-allow-credentials'], 'true');
      assert.equal(allowed.res.headers['access-control-expose-headers'], 'X-Trace');
      assert.equal(allowed.res.headers.vary, 'Origin');
      allowed.close();
      for (const origin of ['https://evil.example', 'https://app.example.evil.example', 'null']) {
        const other = await openStream(s.url, { origin });
        assert.equal(other.res.headers['access-control-allow-origin'], undefined, origin);
        assert.equal(other.res.headers['access-control-allow-credentials'], undefined, origin);
        other.close();
      }
    } finally {
      await s.close();
    }
  });

  it("answers '*' for any origin when there are no credentials", async () => {
    const s = await corsServer({ origins: '*' });
    try {
      const stream = await openStream(s.url, { origin: 'https://anywhere.example' });
      assert.equal(stream.res.headers['access-control-allow-origin'], '*');
      assert.equal(stream.res.headers['access-control-allow-credentials'], undefined);
      assert.equal(stream.res.headers.vary, undefined);
      stream.close();
    } finally {
      await s.close();
    }
  });

  it('answers the preflight, including for Last-Event-ID, and refuses unlisted origins', async () => {
    const s = await corsServer({ origins: [APP], credentials: true, allowHeaders: ['Authorization'], maxAge: 60_000 });
    try {
      const ok = await fetchText(s.url, {
        method: 'OPTIONS',
        headers: {
          origin: APP,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'last-event-id, authorization',
        },
      });
      assert.equal(ok.status, 204);
      assert.equal(ok.headers['access-control-allow-origin'], APP);
      assert.equal(ok.headers['access-control-allow-credentials'], 'true');
      assert.equal(ok.headers['access-control-allow-methods'], 'GET, POST');
      assert.equal(ok.headers['access-control-max-age'], '60');
      const allowHeaders = String(ok.headers['access-control-allow-headers']).toLowerCase().split(', ');
      assert.ok(allowHeaders.includes('last-event-id'));
      assert.ok(allowHeaders.includes('authorization'));
      assert.equal(ok.body, '');

      const refused = await fetchText(s.url, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
      });
      assert.equal(refused.status, 403);
      assert.equal(refused.headers['access-control-allow-origin'], undefined);
      assert.match(refused.body, /origin not allowed/);
    } finally {
      await s.close();
    }
  });

  it('rejects unsafe or malformed configurations', () => {
    assert.throws(() => createSessionWith({ origins: '*', credentials: true }), /cannot be used with credentials/);
    assert.throws(() => createSessionWith({ origins: ['app.example'] }), /origins entries must be origins/);
    assert.throws(() => createSessionWith({ origins: ['https://app.example/'] }), /origins entries must be origins/);
    assert.throws(() => createSessionWith({ origins: 'https://app.example' as '*' }), /must be an array/);
    assert.throws(() => createSessionWith({ origins: [APP], allowHeaders: ['bad header'] }), /allowHeaders/);
  });

  it('lets a listed origin read the stream in Chromium, with credentials, and keeps an unlisted one out', async () => {
    const page = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>cors</title>');
    });
    const pageUrl = new URL(page.url);
    // The same page server under two origins: 127.0.0.1 (listed) and localhost (not listed).
    const listed = `http://127.0.0.1:${pageUrl.port}`;
    const unlisted = `http://localhost:${pageUrl.port}`;
    const stream = await listen((req, res) => {
      const session = createSession(req, res, { cors: { origins: [listed], credentials: true } });
      session?.push(`cookie=${req.headers.cookie ?? ''}; last-event-id=${session.lastEventId}`);
    });
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext();
      await context.addCookies([{ name: 'who', value: 'ann', url: stream.url }]);
      const tab = await context.newPage();
      await tab.goto(`${listed}/`);
      const viaEventSource = await tab.evaluate(
        (url) =>
          new Promise<string>((resolve) => {
            const source = new EventSource(url, { withCredentials: true });
            source.onmessage = (event) => {
              source.close();
              resolve(event.data);
            };
            source.onerror = () => {
              source.close();
              resolve('error');
            };
          }),
        stream.url,
      );
      assert.equal(viaEventSource, 'cookie=who=ann; last-event-id=');
      // fetch with a Last-Event-ID header needs a preflight first.
      const viaFetch = await tab.evaluate(async (url) => {
        const response = await fetch(url, { headers: { 'Last-Event-ID': '41' }, credentials: 'include' });
        const reader = response.body!.getReader();
        const { value } = await reader.read();
        await reader.cancel();
        return new TextDecoder().decode(value);
      }, stream.url);
      assert.equal(viaFetch, 'data: cookie=who=ann; last-event-id=41\n\n');

      await tab.goto(`${unlisted}/`);
      const refused = await tab.evaluate(
        (url) =>
          new Promise<string>((resolve) => {
            const source = new EventSource(url, { withCredentials: true });
            source.onmessage = () => {
              source.close();
              resolve('message');
            };
            source.onerror = () => {
              source.close();
              resolve(`error, readyState ${source.readyState}`);
            };
          }),
        stream.url,
      );
      assert.equal(refused, 'error, readyState 2');
      await context.close();
    } finally {
      await browser.close();
      await page.close();
      await stream.close();
    }
  });
});

/** The option validation that createSession and createFetchSession run first. */
function createSessionWith(cors: CorsOptions): void {
  resolveSessionOptions({ cors });
}

test("createCorsPolicy: '*' in a list grants other origins without credentials, listed ones with", () => {
  const policy = createCorsPolicy({
    origins: ['https://app.example', '*'],
    credentials: true,
    methods: ['GET', 'QUERY'],
    exposeHeaders: ['Last-Event-ID'],
  });
  assert.deepEqual(policy.headers('https://app.example'), {
    vary: 'Origin',
    'access-control-allow-origin': 'https://app.example',
    'access-control-allow-credentials': 'true',
    'access-control-expose-headers': 'Last-Event-ID',
  });
  // The answer depends on Origin (a listed one gets credentials), so Vary stays.
  assert.deepEqual(policy.headers('https://other.example'), {
    vary: 'Origin',
    'access-control-allow-origin': '*',
    'access-control-expose-headers': 'Last-Event-ID',
  });
  // No Origin (a same-origin request, or a cache filling): the '*' answer, which any page may be handed.
  assert.equal(policy.headers(null)['access-control-allow-origin'], '*');
  assert.equal(createCorsPolicy({ origins: [APP] }).headers(null)['access-control-allow-origin'], undefined);
  const preflight = policy.preflight('https://other.example');
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers['access-control-allow-methods'], 'GET, QUERY');
  assert.equal(preflight.headers['access-control-allow-credentials'], undefined);
  assert.equal(policy.listed('https://app.example'), true);
  assert.equal(policy.listed('https://other.example'), false);
  assert.throws(() => createCorsPolicy({ origins: ['https://app.example/path'] }), /cors\.origins entries/);
  assert.throws(() => createCorsPolicy({ origins: ['*'], methods: ['GET POST'] }), /cors\.methods/);
});
