// createHub as a library: the Fetch handler (real Request/Response objects), the node:http listener
// mounted in a server of our own, hub.use() for extra routes, hub.publish(), stats(), option checks.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { createHub, PublishError } from '@tidings/hub';
import { createParser, type ParsedEvent } from '@tidings/protocol';
import { EventLogError, MemoryLog } from '@tidings/server';
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
      const id = await hub.publish({ topics: 'urn:lib/1', data: 'in-process', event: 'lib' });
      const [event] = await sub.waitForEvents(1);
      assert.deepEqual([event!.event, event!.data, event!.lastEventId], ['lib', 'in-process', id]);
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
    assert.throws(() => createHub({ history: { size: -1 } }), /history.size must be a whole number of events >= 1/);
    assert.throws(() => createHub({ publisherKey: { key: '', alg: 'HS256' } }), /publisherKey: .*non-empty secret/);
    // A 3-byte HMAC key was recovered from one token in under 0.1 s: refused unless allowed on purpose.
    assert.throws(
      () => createHub({ publisherKey: { key: 'abc' } }),
      /publisherKey: an HS256 key needs at least 32 bytes/,
    );
    assert.throws(
      () => createHub({ subscriberKey: { key: 'x'.repeat(47), alg: 'HS384' } }),
      /subscriberKey: an HS384 key needs at least 48 bytes/,
    );
    createHub({ publisherKey: { key: 'abc', allowWeakKey: true }, log: null }).close();
    assert.throws(
      () => createHub({ publisherKey: { key: 'k', alg: 'XX' as never } }),
      /publisherKey.alg must be one of/,
    );
    assert.throws(() => createHub({ corsOrigins: ['example.com'] }), /corsOrigins/);
    // One origin check with the CLI and the server's CORS: as browsers send it, or it never matches.
    assert.throws(
      () => createHub({ corsOrigins: ['https://Example.com:443'] }),
      /corsOrigins: entries must be origins/,
    );
    assert.throws(() => createHub({ publicUrl: 'relative' }), /publicUrl/);
    assert.throws(() => createHub({ maxBody: 0 }), /maxBody/);
    assert.throws(() => createHub({ logLevel: 'loud' as never }), /logLevel/);
  });

  test('durations are milliseconds and null turns a feature off; 0 and seconds are refused with the fix', async () => {
    // Seconds given where milliseconds are meant would send a comment to every subscriber 33 times a second.
    assert.throws(
      () => createHub({ heartbeat: 30 }),
      /heartbeat must be a whole number of milliseconds .*30000 is 30 s/,
    );
    assert.throws(() => createHub({ heartbeat: 0 }), /heartbeat must not be 0: pass null/);
    assert.throws(() => createHub({ heartbeat: 2 ** 31 }), /heartbeat must be a whole number of milliseconds/);
    assert.throws(() => createHub({ history: { size: 0 } }), /history.size .* pass history: null/);
    assert.throws(() => createHub({ history: { maxAge: 0 } }), /history.maxAge .*milliseconds .*or null/);
    assert.throws(() => createHub({ maxStreamsPerClient: 0 }), /maxStreamsPerClient .*or null for no limit/);
    // The options' names before they were unified: a JavaScript caller learns the new one.
    assert.throws(
      () => createHub({ historyTtl: 60 } as never),
      /historyTtl is now history: \{ maxAge \}, in milliseconds/,
    );
    assert.throws(() => createHub({ historySize: 0 } as never), /historySize is now history: \{ size \}/);
    const off = createHub({ ...quiet, heartbeat: null, history: null });
    const on = createHub({ ...quiet, heartbeat: 1000, history: { size: 1, maxAge: 60_000 } });
    const byDefault = createHub(quiet);
    try {
      assert.equal(off.options.heartbeat, null);
      assert.equal(on.options.heartbeat, 1000);
      assert.equal(byDefault.options.heartbeat, 30_000, 'the default: 30 s');
      for (const hub of [off, on]) {
        const first = await hub.publish({ topics: 'urn:h', data: 'a' });
        await hub.publish({ topics: 'urn:h', data: 'b' });
        const replay = await hub.fetch(
          new Request('http://hub.test/.well-known/mercure?topic=urn:h', { headers: { 'last-event-id': first } }),
        );
        // history: null keeps nothing to replay; size 1 keeps the newest, and the first has left it.
        assert.equal(replay.headers.get('last-event-id'), 'earliest');
        await replay.body?.cancel();
      }
    } finally {
      await Promise.all([off.close(), on.close(), byDefault.close()]);
    }
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
    assert.ok(parsed.some((line) => line.msg === 'publisher token refused' && line.reason === 'BAD_SIGNATURE'));
    assert.ok(parsed.some((line) => line.msg === 'published'));
    assert.ok(!lines.join('\n').includes(bad.split('.')[2]!));
  });
});

describe('createHub: on an event log of its own', () => {
  test('an update published while a subscription is being set up is held and delivered once, not dropped', async () => {
    const log = new MemoryLog();
    let release: () => void = () => {};
    const lookupStarted = new Promise<void>((started) => {
      const lookup = log.lookup.bind(log);
      // The subscription's one look-up of its Last-Event-ID waits until the test lets it go on.
      log.lookup = (id) => {
        started();
        return new Promise((resolve) => {
          release = () => resolve(lookup(id));
        });
      };
    });
    const hub = createHub({ ...quiet, eventLog: log });
    try {
      const first = await hub.publish({ topics: 'urn:held', data: 'first' });
      const pending = hub.fetch(
        new Request('http://hub.test/.well-known/mercure?topic=urn:held', { headers: { 'last-event-id': first } }),
      );
      await lookupStarted;
      await hub.publish({ topics: 'urn:held', data: 'during set-up' });
      release();
      const events = await readEvents(await pending, 2);
      assert.deepEqual(
        events.map((e) => [e.event, e.data]),
        [
          ['tidings-replay', JSON.stringify({ lastEventId: first, requested: first })],
          ['message', 'during set-up'],
        ],
      );
      assert.equal(hub.stats().eventsDelivered, 1);
    } finally {
      await hub.close();
    }
  });

  test('history.maxBytes bounds the history in bytes; eventLog and history limits together are refused', async () => {
    const hub = createHub({ ...quiet, history: { maxBytes: 4096 } });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) ids.push(await hub.publish({ topics: 'urn:bytes', data: 'x'.repeat(1000) }));
      const replay = await hub.fetch(
        new Request('http://hub.test/.well-known/mercure?topic=urn:bytes', { headers: { 'last-event-id': ids[0]! } }),
      );
      assert.equal(replay.headers.get('last-event-id'), 'earliest', 'the first update was trimmed by bytes');
      const kept = (await readEvents(replay, 4)).slice(1);
      assert.ok(kept.length <= 4 && kept.at(-1)!.lastEventId !== ids[0]);
    } finally {
      await hub.close();
    }
    assert.throws(() => createHub({ eventLog: new MemoryLog(), history: { size: 5 } }), /either eventLog or history/);
    assert.throws(
      () => createHub({ history: { maxBytes: 0 } }),
      /history.maxBytes must be a whole number of bytes >= 1/,
    );
    assert.throws(() => createHub({ eventLog: {} as never }), /eventLog must be an EventLog/);
  });

  test('a throwing onUpdate listener is logged; the update is still stored and delivered, the publisher gets its id', async () => {
    const lines: string[] = [];
    const hub = createHub({ ...quiet, log: (line) => lines.push(line) });
    try {
      hub.onUpdate(() => {
        throw new Error('listener bug');
      });
      const stream = await hub.fetch(new Request('http://hub.test/.well-known/mercure?topic=urn:listener'));
      const id = await hub.publish({ topics: 'urn:listener', data: 'still delivered' });
      const [event] = await readEvents(stream, 1);
      assert.equal(event!.lastEventId, id);
      assert.ok(lines.some((line) => line.includes('onUpdate listener threw')));
    } finally {
      await hub.close();
    }
  });

  test('publish failures keep their own status and log line: 503 when the log is unavailable, 500 for a fault', async () => {
    for (const [thrown, status, body, logged] of [
      [
        new EventLogError('LOG_UNAVAILABLE', 'redis is unreachable (ECONNREFUSED)'),
        503,
        /event log is unavailable/,
        /EventLogError LOG_UNAVAILABLE: redis is unreachable/,
      ],
      [new Error('disk on fire'), 500, /failed to publish/, /Error: disk on fire/],
    ] as const) {
      const log = new MemoryLog();
      log.append = async () => {
        throw thrown;
      };
      const lines: string[] = [];
      const hub = createHub({ ...quiet, eventLog: log, log: (line) => lines.push(line) });
      try {
        const answer = await hub.fetch(
          new Request('http://hub.test/.well-known/mercure', {
            method: 'POST',
            headers: {
              authorization: `Bearer ${token(PUBLISH_ALL)}`,
              'content-type': 'application/x-www-form-urlencoded',
            },
            body: 'topic=urn:fail&data=x',
          }),
        );
        assert.equal(answer.status, status);
        assert.match(await answer.text(), body);
        assert.ok(
          lines.some((line) => logged.test(line)),
          lines.join('\n'),
        );
      } finally {
        await hub.close();
      }
    }
  });
});
