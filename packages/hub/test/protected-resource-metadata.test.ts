// Protected resource metadata (RFC 9728, draft-08 "Protected Resource Metadata") and the
// `resource_metadata` of every 401 and 403 (draft-08 "Error Responses"), over real HTTP against the
// started CLI (plain, `--public-url` behind a path prefix, TLS) and a library hub on node:http.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { get } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createHub } from '@tidings/hub';
import { protectedResourceMetadataUrl } from '../src/http/protected-resource-metadata.ts';
import { writeCertificateFiles } from './support/h2-client.ts';
import { KEY, type RunningHub, startHub } from './support/hub-process.ts';
import { PUBLISH_ALL, publish, token } from './support/sse.ts';

const WELL_KNOWN = '/.well-known/oauth-protected-resource';

/** The `resource_metadata` parameter of a `WWW-Authenticate: Bearer` challenge. */
function resourceMetadataOf(challenge: string | null): string | undefined {
  return /(?:^Bearer |, )resource_metadata="([^"]*)"/.exec(challenge ?? '')?.[1];
}

describe('protectedResourceMetadataUrl (RFC 9728 3.1)', () => {
  test('inserts the well-known suffix between the host and the path; a bare / adds nothing; the query stays', () => {
    assert.equal(
      protectedResourceMetadataUrl('https://hub.example.com/.well-known/mercure'),
      'https://hub.example.com/.well-known/oauth-protected-resource/.well-known/mercure',
    );
    assert.equal(
      protectedResourceMetadataUrl('https://example.com:8443/prefix/.well-known/mercure'),
      'https://example.com:8443/.well-known/oauth-protected-resource/prefix/.well-known/mercure',
    );
    assert.equal(
      protectedResourceMetadataUrl('https://hub.example.com/'),
      'https://hub.example.com/.well-known/oauth-protected-resource',
    );
    assert.equal(
      protectedResourceMetadataUrl('https://hub.example.com/hub?tenant=1'),
      'https://hub.example.com/.well-known/oauth-protected-resource/hub?tenant=1',
    );
  });
});

describe('the metadata document and the challenges, default public URL', () => {
  let hub: RunningHub;
  before(async () => {
    hub = await startHub(['--jwt-key', KEY, '--cors-origins', 'http://app.test']);
  });
  after(async () => {
    assert.equal(await hub.stop(), 0);
  });

  test('GET serves RFC 9728 JSON whose resource is the hub URL, cacheable and readable cross-origin', async () => {
    const response = await fetch(`${hub.url}${WELL_KNOWN}/.well-known/mercure`, {
      headers: { origin: 'http://other.test' },
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    assert.match(response.headers.get('cache-control') ?? '', /^public, max-age=\d+$/);
    assert.deepEqual(await response.json(), {
      resource: hub.hubUrl,
      authorization_details_types_supported: ['https://mercure.rocks/authorization-detail'],
      bearer_methods_supported: ['header'],
      mercure_cookie: 'mercureAuthorization',
    });
    const post = await fetch(`${hub.url}${WELL_KNOWN}/.well-known/mercure`, { method: 'POST', body: '' });
    assert.equal(post.status, 405);
    await post.text();
    const bare = await fetch(`${hub.url}${WELL_KNOWN}`);
    assert.equal(bare.status, 404, 'the hub is not the resource of the origin root');
    await bare.text();
  });

  test('every 401 and 403 carries a Bearer challenge with resource_metadata, and that URL serves the document', async () => {
    const expected = `${hub.url}${WELL_KNOWN}/.well-known/mercure`;
    const topic = 'https://example.com/prm';
    const cases: [string, Promise<Response>, number, string | null][] = [
      ['subscribe without a token', fetch(`${hub.hubUrl}?match=${topic}`), 401, null],
      [
        'subscribe with a bad token',
        fetch(`${hub.hubUrl}?match=${topic}`, { headers: { authorization: 'Bearer not.a.token' } }),
        401,
        'invalid_token',
      ],
      [
        'a malformed Authorization header',
        fetch(`${hub.hubUrl}?match=${topic}`, { headers: { authorization: 'Basic abc' } }),
        401,
        'invalid_token',
      ],
      [
        'publish without a token',
        fetch(hub.hubUrl, { method: 'POST', body: new URLSearchParams({ topic }) }),
        401,
        null,
      ],
      [
        'publish outside the token grants',
        fetch(hub.hubUrl, {
          method: 'POST',
          headers: { authorization: `Bearer ${token({ mercure: { publish: ['https://example.com/elsewhere'] } })}` },
          body: new URLSearchParams({ topic, data: 'x' }),
        }),
        403,
        'insufficient_scope',
      ],
      [
        'cookie publishing from an unlisted origin',
        fetch(hub.hubUrl, {
          method: 'POST',
          headers: { cookie: `mercureAuthorization=${token(PUBLISH_ALL)}`, origin: 'http://evil.test' },
          body: new URLSearchParams({ topic, data: 'x' }),
        }),
        403,
        null,
      ],
    ];
    for (const [what, pending, status, error] of cases) {
      const response = await pending;
      await response.text();
      assert.equal(response.status, status, what);
      const challenge = response.headers.get('www-authenticate');
      assert.match(challenge ?? '', /^Bearer /, what);
      assert.equal(resourceMetadataOf(challenge), expected, what);
      const code = /error="([^"]*)"/.exec(challenge ?? '')?.[1] ?? null;
      assert.equal(code, error, `${what}: error code`);
    }
    // [spec] RFC 9728 3.3: the client checks that `resource` is the URL it derived the metadata URL from.
    const document = (await (await fetch(expected)).json()) as { resource: string };
    assert.equal(protectedResourceMetadataUrl(document.resource), expected);
  });

  test('answers that are not 401 or 403 get no challenge', async () => {
    const ok = await publish(
      hub.hubUrl,
      [
        ['topic', 'https://example.com/prm'],
        ['data', 'x'],
      ],
      {
        token: token(PUBLISH_ALL),
      },
    );
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('www-authenticate'), null);
    const bad = await fetch(`${hub.hubUrl}?match_regexp=x`);
    assert.equal(bad.status, 400);
    assert.equal(bad.headers.get('www-authenticate'), null);
    await bad.text();
  });
});

describe('the metadata document under --public-url and TLS', () => {
  test('--public-url with a path prefix: served at the derived path and the hub path; the challenge names the public one', async () => {
    const publicUrl = 'https://hub.example.com/prefix/.well-known/mercure';
    const hub = await startHub(['--jwt-key', KEY, '--public-url', publicUrl]);
    try {
      for (const path of [`${WELL_KNOWN}/prefix/.well-known/mercure`, `${WELL_KNOWN}/.well-known/mercure`]) {
        const response = await fetch(`${hub.url}${path}`);
        assert.equal(response.status, 200, path);
        const document = (await response.json()) as Record<string, unknown>;
        assert.equal(document.resource, publicUrl, path);
        assert.equal(document.mercure_cookie, '__Secure-mercure_access_token', 'https: the __Secure- cookie');
      }
      const refused = await fetch(`${hub.hubUrl}?match=x`);
      await refused.text();
      assert.equal(
        resourceMetadataOf(refused.headers.get('www-authenticate')),
        `https://hub.example.com${WELL_KNOWN}/prefix/.well-known/mercure`,
      );
    } finally {
      assert.equal(await hub.stop(), 0);
    }
  });

  test('under TLS (TIDINGS_CERT/TIDINGS_KEY) the resource is the https hub URL', async () => {
    const files = writeCertificateFiles();
    const hub = await startHub(['--jwt-key', KEY], { TIDINGS_CERT: files.cert, TIDINGS_KEY: files.key });
    try {
      assert.match(hub.hubUrl, /^https:/);
      const response = await new Promise<IncomingMessage>((resolve, reject) =>
        get(`${hub.url}${WELL_KNOWN}/.well-known/mercure`, { rejectUnauthorized: false }, resolve).on('error', reject),
      );
      assert.equal(response.statusCode, 200);
      let body = '';
      for await (const chunk of response) body += chunk;
      assert.equal((JSON.parse(body) as { resource: string }).resource, hub.hubUrl);
    } finally {
      assert.equal(await hub.stop(), 0);
      rmSync(files.dir, { recursive: true, force: true });
    }
  });
});

describe('the metadata document of a library hub', () => {
  test('mercure_subscriptions is true when active subscriptions are on; the subscription API 401 names the metadata', async () => {
    const hub = createHub({
      publisherKey: { key: KEY },
      subscriberKey: { key: KEY },
      publicUrl: 'https://hub.example.com/.well-known/mercure',
      subscriptions: true,
      log: null,
    });
    const server = createServer(hub.listener).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const document = (await (await fetch(`${base}${WELL_KNOWN}/.well-known/mercure`)).json()) as Record<
        string,
        unknown
      >;
      assert.equal(document.resource, 'https://hub.example.com/.well-known/mercure');
      assert.equal(document.mercure_subscriptions, true);
      const api = await fetch(`${base}/.well-known/mercure/subscriptions`);
      await api.text();
      assert.equal(api.status, 401);
      assert.equal(
        resourceMetadataOf(api.headers.get('www-authenticate')),
        `https://hub.example.com${WELL_KNOWN}/.well-known/mercure`,
      );
    } finally {
      server.closeAllConnections();
      server.close();
      await hub.close();
    }
  });
});
