// createHub as a library: the Fetch handler (real Request/Response objects), the node:http listener
// mounted in a server of our own, hub.use() for extra routes, hub.publish(), stats(), option checks.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { createHub, PublishError } from '@tidings/hub';
import { createParser, type ParsedEvent } from '@tidings/protocol';
import { KEY } from './support/hub-process.ts';
import { PUBLISH_ALL, subscribe, token, url } from './support/sse.ts';

const quiet = { publisherKey: { key: KEY }, anonymous: true, log: null } as const;

async function readEvents(response: Response, count: number): Promise<ParsedEvent[]> {
  const events: ParsedEvent[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event) });
  const reader = response.body!.getReader();
  while (events.length < count) {
    const { done, value } = await reader.read();
    if (done) break;
    parser.feed(value);
  }
  await reader.cancel();
  return events;
}

describe('createHub: Fetch API handler', () => {
  test('publish and subscribe through hub.fetch', async () => {
    const hub = createHub(quiet);
    try {
      const stream = await hub.fetch(new Request('http://hub.test/.well-known/mercure?topic=urn:f'));
      assert.equal(stream.status, 200);
      assert.equal(stream.headers.get('x-accel-buffering'), 'no');
      const published = await hub.fetch(
        new Request('http://hub.test/.well-known/mercure', {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token(PUBLISH_ALL)}`,
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: 'topic=urn:f&data=via%20fetch',
        }),
      );
      assert.equal(published.status, 200);
      const id = await published.text();
      const [event] = await readEvents(stream, 1);
      assert.deepEqual([event!.data, event!.lastEventId], ['via fetch', id]);
      const tooBig = await hub.fetch(
        new Request('http://hub.test/.well-known/mercure', {
          method: 'POST',
          headers: { authorization: `Bearer ${token(PUBLISH_ALL)}` },
          body: `topic=a&data=${'x'.repeat(2 * 1024 * 1024)}`,
        }),
      );
      assert.equal(tooBig.status, 413);
      assert.equal((await hub.fetch(new Request('http://hub.test/healthz'))).status, 200);
      assert.equal((await hub.fetch(new Request('http://hub.test/elsewhere'))).status, 404);
    } finally {
      await hub.close();
    }
  });
});

describe('createHub: library API', () => {
  test('hub.publish, hub.use routes on both handlers, stats and onUpdate', async () => {
    const hub = createHub(quiet);
    hub.use((request) => (new URL(request.url).pathname === '/extra' ? new Response(`extra ${request.method}`) : null));
    const server = createServer(hub.listener).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      assert.equal(await (await fetch(`${base}/extra`, { method: 'POST', body: 'x' })).text(), 'extra POST');
      assert.equal(await (await hub.fetch(new Request('http://h/extra'))).text(), 'extra GET');
      assert.equal((await fetch(`${base}/missing`)).status, 404);

      const seen: string[] = [];
      const remove = hub.onUpdate((update) => seen.push(update.id));
      const sub = await subscribe(url(`${base}/.well-known/mercure`, [['topic', 'urn:lib/{n}']]));
      const id = await hub.publish({ topics: 'urn:lib/1', data: 'in-process', type: 'lib' });
      const [event] = await sub.waitForEvents(1);
      assert.deepEqual([event!.type, event!.data, event!.lastEventId], ['lib', 'in-process', id]);
      assert.deepEqual(seen, [id]);
      remove();
      await assert.rejects(
        hub.publish({ topics: 'urn:lib/1', id }),
        (e: unknown) => e instanceof PublishError && e.code === 'DUPLICATE_ID' && e.status === 409,
      );
      await assert.rejects(
        hub.publish({ topics: [] }),
        (e: unknown) => e instanceof PublishError && e.code === 'INVALID_UPDATE' && e.status === 400,
      );
      const stats = hub.stats();
      assert.equal(stats.subscribers, 1);
      assert.deepEqual(stats.topics, [{ selector: 'urn:lib/{n}', subscribers: 1 }]);
      assert.equal(stats.updatesPublished, 1);
      assert.equal(stats.eventsDelivered, 1);
      sub.close();
      await sub.ended;
    } finally {
      await hub.close();
      server.close();
    }
    await assert.rejects(
      hub.publish({ topics: 'a' }),
      (e: unknown) => e instanceof PublishError && e.code === 'HUB_CLOSED',
    );
  });

  test('options are checked at the call with a TypeError that says how to fix them', () => {
    assert.throws(() => createHub({ historySize: -1 }), /historySize must be a whole number >= 0/);
    assert.throws(() => createHub({ publisherKey: { key: '', alg: 'HS256' } }), /publisherKey: .*non-empty secret/);
    assert.throws(
      () => createHub({ publisherKey: { key: 'k', alg: 'XX' as never } }),
      /publisherKey.alg must be one of/,
    );
    assert.throws(() => createHub({ corsOrigins: ['example.com'] }), /corsOrigins/);
    assert.throws(() => createHub({ publicUrl: 'relative' }), /publicUrl/);
    assert.throws(() => createHub({ maxBody: 0 }), /maxBody/);
    assert.throws(() => createHub({ logLevel: 'loud' as never }), /logLevel/);
  });

  test('with no publisher key, every HTTP publish is 401 but hub.publish works', async () => {
    const hub = createHub({ anonymous: true, log: null });
    try {
      const response = await hub.fetch(
        new Request('http://h/.well-known/mercure', {
          method: 'POST',
          headers: { authorization: `Bearer ${token(PUBLISH_ALL)}` },
          body: 'topic=a',
        }),
      );
      assert.equal(response.status, 401);
      assert.match(await hub.publish({ topics: 'a' }), /^urn:uuid:/);
    } finally {
      await hub.close();
    }
  });

  test('maxSubscribers: the next subscriber gets 429', async () => {
    const hub = createHub({ ...quiet, maxSubscribers: 1 });
    try {
      const first = await hub.fetch(new Request('http://h/.well-known/mercure?topic=a'));
      assert.equal(first.status, 200);
      const second = await hub.fetch(new Request('http://h/.well-known/mercure?topic=a'));
      assert.equal(second.status, 429);
      await first.body!.cancel();
    } finally {
      await hub.close();
    }
  });

  test('logs are JSON lines and never contain the token', async () => {
    const lines: string[] = [];
    const hub = createHub({
      publisherKey: { key: KEY },
      anonymous: true,
      logLevel: 'debug',
      log: (line) => lines.push(line),
    });
    const bad = token(PUBLISH_ALL, 'wrong key');
    try {
      await hub.fetch(
        new Request('http://h/.well-known/mercure', {
          method: 'POST',
          headers: { authorization: `Bearer ${bad}` },
          body: 'topic=a',
        }),
      );
      const ok = await hub.fetch(
        new Request('http://h/.well-known/mercure', {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token(PUBLISH_ALL)}`,
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: 'topic=a',
        }),
      );
      assert.equal(ok.status, 200);
    } finally {
      await hub.close();
    }
    const parsed = lines.map((line) => JSON.parse(line));
    assert.ok(parsed.some((line) => line.msg === 'publish refused: invalid token' && line.reason === 'BAD_SIGNATURE'));
    assert.ok(parsed.some((line) => line.msg === 'published'));
    assert.ok(!lines.join('\n').includes(bad.split('.')[2]!));
  });
});
