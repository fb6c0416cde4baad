// How the hub checks tokens, end to end: JWK Sets fetched over real HTTP (a key server on loopback),
// rotation, aud/iss, the 401 bodies that say which check failed, 503 when the keys cannot be fetched,
// and the CLI flags that configure it (a real `tidings hub` process).
import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { createHub, createSigningKey, type Hub, type HubOptions, signJwt } from '@tidings/hub';
import { startHub } from './support/hub-process.ts';
import { PUBLISH_ALL } from './support/sse.ts';

const SECRET = 'a-publisher-secret-of-at-least-32-bytes!';

/** A JWK Set server on loopback; `keys` can change between requests (rotation); `hits` counts fetches. */
async function keyServer(keys: () => object[]): Promise<{ url: string; hits: () => number; close(): Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((_request, response) => {
    hits++;
    response.writeHead(200, { 'content-type': 'application/jwk-set+json' });
    response.end(JSON.stringify({ keys: keys() }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/jwks.json`,
    hits: () => hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function jwk(key: KeyObject, kid: string): object {
  return { ...key.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
}

async function publish(hub: Hub, token: string): Promise<{ status: number; body: string; challenge: string | null }> {
  const response = await hub.fetch(
    new Request('http://hub.test/.well-known/mercure', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'topic=urn:t&data=x',
    }),
  );
  return { status: response.status, body: await response.text(), challenge: response.headers.get('www-authenticate') };
}

async function withHub(options: HubOptions, run: (hub: Hub) => Promise<void>): Promise<void> {
  const hub = createHub({ log: null, ...options });
  try {
    await run(hub);
  } finally {
    await hub.close();
  }
}

describe('tokens: JWK Set fetched from a URL', () => {
  test('verifies RS256 tokens by kid, fetches the set once and serves the next tokens from its cache', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const server = await keyServer(() => [jwk(rsa.publicKey, 'k1')]);
    try {
      await withHub({ publisherJwks: { jwks: server.url } }, async (hub) => {
        const signer = createSigningKey('RS256', rsa.privateKey);
        for (let i = 0; i < 5; i++) {
          const answer = await publish(hub, signJwt(PUBLISH_ALL, signer, { kid: 'k1' }));
          assert.equal(answer.status, 200, answer.body);
        }
        assert.equal(server.hits(), 1);
        // A key the set does not hold; an HMAC token, which a fetched set never verifies.
        const stranger = createSigningKey('RS256', generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
        const unknown = await publish(hub, signJwt(PUBLISH_ALL, stranger, { kid: 'k1' }));
        assert.deepEqual(
          [unknown.status, unknown.challenge],
          [
            401,
            'Bearer error="invalid_token", resource_metadata="http://localhost/.well-known/oauth-protected-resource/.well-known/mercure"',
          ],
        );
        assert.match(unknown.body, /invalid token: the token signature does not verify/);
        const hmac = await publish(hub, signJwt(PUBLISH_ALL, createSigningKey('HS256', SECRET)));
        assert.equal(hmac.status, 401);
        assert.match(hmac.body, /algorithm \(alg\) is not one this hub accepts/);
      });
    } finally {
      await server.close();
    }
  });

  test('a set whose RSA key is under 2048 bits: its tokens get 401, never 500', async () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const server = await keyServer(() => [jwk(weak.publicKey, 'w')]);
    try {
      await withHub({ publisherJwks: { jwks: server.url } }, async (hub) => {
        // Signed by hand with node:crypto (createSigningKey refuses such a key too).
        const { sign } = await import('node:crypto');
        const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
        const input = `${b64({ alg: 'RS256', kid: 'w' })}.${b64(PUBLISH_ALL)}`;
        const token = `${input}.${sign('sha256', Buffer.from(input), weak.privateKey).toString('base64url')}`;
        const answer = await publish(hub, token);
        assert.equal(answer.status, 401);
        assert.match(answer.body, /cannot be used/);
      });
    } finally {
      await server.close();
    }
  });

  test('a key server that is down: 503 with Retry-After (not the token’s fault), and 200 once it is up', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const server = await keyServer(() => [jwk(rsa.publicKey, 'k1')]);
    const url = server.url;
    await server.close();
    const logs: string[] = [];
    await withHub({ publisherJwks: { jwks: url }, log: (line) => logs.push(line) }, async (hub) => {
      const token = signJwt(PUBLISH_ALL, createSigningKey('RS256', rsa.privateKey), { kid: 'k1' });
      const down = await hub.fetch(
        new Request('http://hub.test/.well-known/mercure', {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
          body: 'topic=urn:t&data=x',
        }),
      );
      assert.equal(down.status, 503);
      assert.equal(down.headers.get('retry-after'), '5');
      assert.match(await down.text(), /keys to check the token cannot be fetched/);
      assert.ok(logs.some((line) => line.includes('JWK Set unavailable')));
    });
  });
});

describe('tokens: audience, issuer, rotation and the 401 reasons', () => {
  test('each failing check says which one failed, without echoing the token', async () => {
    const options: HubOptions = {
      publisherKey: { key: SECRET, issuer: 'https://backend.example' },
      tokenAudience: 'https://hub.example/.well-known/mercure',
    };
    await withHub(options, async (hub) => {
      const key = createSigningKey('HS256', SECRET);
      const good = { ...PUBLISH_ALL, iss: 'https://backend.example', aud: 'https://hub.example/.well-known/mercure' };
      assert.equal((await publish(hub, signJwt(good, key))).status, 200);
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ ...good, aud: 'https://other.example' }, /not for this hub \(aud\)/],
        [{ ...good, iss: 'https://evil.example' }, /not from an issuer this hub trusts \(iss\)/],
        [{ ...good, exp: Math.floor(Date.now() / 1000) - 10 }, /has expired \(exp\)/],
        [{ ...good, nbf: Math.floor(Date.now() / 1000) + 600 }, /not valid yet \(nbf\)/],
      ];
      for (const [claims, reason] of cases) {
        const token = signJwt(claims, key);
        const answer = await publish(hub, token);
        assert.equal(answer.status, 401);
        assert.match(answer.body, reason);
        assert.ok(!answer.body.includes(token.split('.')[1] as string), 'the body does not echo the token');
      }
      const badSignature = await publish(hub, signJwt(good, createSigningKey('HS256', `${SECRET}-other`)));
      assert.match(badSignature.body, /signature does not verify/);
      assert.match((await publish(hub, 'not.a.jwt')).body, /not a JWT/);
    });
  });

  test('rotation: two publisher keys with kids; tokens of both work; a removed key stops working', async () => {
    const next = `${SECRET}-next`;
    const both: HubOptions = {
      publisherKey: [
        { key: next, kid: '2026-12' },
        { key: SECRET, kid: '2026-11' },
      ],
    };
    const oldToken = signJwt(PUBLISH_ALL, createSigningKey('HS256', SECRET), { kid: '2026-11' });
    const newToken = signJwt(PUBLISH_ALL, createSigningKey('HS256', next), { kid: '2026-12' });
    await withHub(both, async (hub) => {
      assert.equal((await publish(hub, oldToken)).status, 200);
      assert.equal((await publish(hub, newToken)).status, 200);
    });
    await withHub({ publisherKey: [{ key: next, kid: '2026-12' }] }, async (hub) => {
      assert.equal((await publish(hub, newToken)).status, 200);
      const old = await publish(hub, oldToken);
      assert.equal(old.status, 401);
      assert.match(old.body, /no key of this hub fits/);
    });
  });

  test('bad token options are refused at createHub with a TypeError that says how to fix them', () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    const pem = weak.export({ type: 'spki', format: 'pem' }).toString();
    assert.throws(() => createHub({ publisherKey: { key: pem, alg: 'RS256' } }), /at least 2048 bits, got 1024/);
    assert.throws(
      () =>
        createHub({
          publisherKey: [
            { key: SECRET, kid: 'a' },
            { key: `${SECRET}!`, kid: 'a' },
          ],
        }),
      /two keys have the same kid/,
    );
    assert.throws(() => createHub({ publisherJwks: { jwks: 'ftp://keys' } }), /http: or https:/);
    assert.throws(() => createHub({ publisherJwks: { jwks: { keys: 'no' } as never } }), /"keys" array/);
    assert.throws(() => createHub({ tokenAudience: '' }), /tokenAudience must be/);
    assert.throws(() => createHub({ tokenClockTolerance: -1 }), /whole milliseconds/);
  });
});

describe('tokens: the CLI flags', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tidings-jwks-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('--jwks FILE rotates HMAC keys by kid; --jwt-issuer and --jwt-audience are enforced', async () => {
    const k = (secret: string) => Buffer.from(secret).toString('base64url');
    const file = join(dir, 'keys.json');
    writeFileSync(
      file,
      JSON.stringify({
        keys: [
          { kty: 'oct', kid: 'new', k: k(`${SECRET}-new`) },
          { kty: 'oct', kid: 'old', k: k(SECRET) },
        ],
      }),
    );
    const hub = await startHub(['--jwks', file, '--jwt-issuer', 'me', '--jwt-audience', 'hub-1', '--jwt-leeway', '5']);
    try {
      const post = (token: string) =>
        fetch(hub.hubUrl, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
          body: new URLSearchParams({ topic: 'urn:cli', data: 'x' }),
        });
      const claims = { ...PUBLISH_ALL, iss: 'me', aud: 'hub-1' };
      for (const [secret, kid] of [
        [SECRET, 'old'],
        [`${SECRET}-new`, 'new'],
      ] as const) {
        const answer = await post(signJwt(claims, createSigningKey('HS256', secret), { kid }));
        assert.equal(answer.status, 200, await answer.text());
      }
      const wrongAudience = await post(
        signJwt({ ...claims, aud: 'hub-2' }, createSigningKey('HS256', SECRET), { kid: 'old' }),
      );
      assert.equal(wrongAudience.status, 401);
      const wrongIssuer = await post(
        signJwt({ ...claims, iss: 'you' }, createSigningKey('HS256', SECRET), { kid: 'old' }),
      );
      assert.equal(wrongIssuer.status, 401);
      // Expired 2 s ago: within the 5 s leeway.
      const late = { ...claims, exp: Math.floor(Date.now() / 1000) - 2 };
      assert.equal((await post(signJwt(late, createSigningKey('HS256', SECRET), { kid: 'old' }))).status, 200);
    } finally {
      await hub.stop();
    }
  });
});
