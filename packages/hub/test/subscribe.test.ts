// Subscribing over HTTP against the started CLI: authorization, draft-08 matchers, replay after
// Last-Event-ID joined to the live stream, response headers, keep-alive, slow subscribers, metrics, CORS.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { KEY, type RunningHub, startHub } from './support/hub-process.ts';
import { PUBLISH_ALL, publish, subscribe, token, url } from './support/sse.ts';

let hub: RunningHub;
const publisher = token(PUBLISH_ALL);
const QUEUE = 65536;

before(async () => {
  hub = await startHub([
    '--jwt-key',
    KEY,
    '--anonymous',
    '--heartbeat',
    '1',
    '--history-size',
    '50',
    '--subscriber-queue',
    String(QUEUE),
    '--cors-origins',
    'http://app.test,http://other.test',
  ]);
});
after(async () => {
  assert.equal(await hub.stop(), 0);
});

const send = (topic: string, data: string, extra: [string, string][] = []) =>
  publish(hub.hubUrl, [['topic', topic], ['data', data], ...extra], { token: publisher }).then((a) => {
    assert.equal(a.status, 200, a.body);
    return a.body;
  });

describe('subscribe: requests and authorization', () => {
  test('400 without a selector, for an unknown match_ parameter, for a bad pattern', async () => {
    for (const [params, reason] of [
      [[], /missing topic/],
      [[['match_regex', 'x']], /unknown matcher/],
      [[['MATCHES', 'x']], /unknown matcher/],
      [[['match_urlpattern', 'https://x/(a+)+']], /regexp groups/],
      [[['topic', 'a\u0000b']], /control/],
    ] as [[string, string][], RegExp][]) {
      const response = await fetch(url(hub.hubUrl, params));
      assert.equal(response.status, 400);
      assert.match(await response.text(), reason);
    }
    // A broken percent-escape would otherwise become U+FFFD or a literal "%" and select another topic.
    for (const query of ['topic=%FF', 'topic=a%E2%82', 'topic=50%', 'topic=a&lastEventID=%ZZ']) {
      const response = await fetch(`${hub.hubUrl}?${query}`);
      assert.equal(response.status, 400, query);
      assert.match(await response.text(), /percent-escape/);
    }
  });

  test('401 for an invalid token, even where anonymous subscribers are allowed', async () => {
    const response = await fetch(url(hub.hubUrl, [['topic', 'a']]), { headers: { authorization: 'Bearer x.y.z' } });
    assert.equal(response.status, 401);
    const expired = token({ exp: Math.floor(Date.now() / 1000) - 1 });
    assert.equal(
      (await fetch(url(hub.hubUrl, [['topic', 'a']]), { headers: { cookie: `mercureAuthorization=${expired}` } }))
        .status,
      401,
    );
  });

  test('draft-08 match (exact) and match_urlpattern', async () => {
    const exact = await subscribe(url(hub.hubUrl, [['match', 'https://example.com/books/{id}']]));
    const pattern = await subscribe(url(hub.hubUrl, [['match_urlpattern', 'https://example.com/books/:id']]));
    await send('https://example.com/books/7', 'seven');
    await send('https://example.com/books/{id}', 'literal');
    assert.deepEqual(
      (await pattern.waitForEvents(1)).map((e) => e.data),
      ['seven'],
    );
    assert.deepEqual(
      (await exact.waitForEvents(1)).map((e) => e.data),
      ['literal'],
    );
    exact.close();
    pattern.close();
  });

  test('a token whose exp is months away keeps its stream (Node runs longer timers after 1 ms)', async () => {
    const topic = `urn:long-token:${Math.random()}`;
    const exp = Math.floor(Date.now() / 1000) + 365 * 24 * 3600; // as `tidings token --ttl 31536000` makes
    const sub = await subscribe(url(hub.hubUrl, [['topic', topic]]), { authorization: `Bearer ${token({ exp })}` });
    assert.equal(sub.status, 200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await send(topic, 'still here');
    assert.equal((await sub.waitForEvents(1))[0]!.data, 'still here');
    sub.close();
  });

  test('a token with exp closes the stream at that time', async () => {
    const exp = Math.floor(Date.now() / 1000) + 2;
    const sub = await subscribe(url(hub.hubUrl, [['topic', 'a']]), { authorization: `Bearer ${token({ exp })}` });
    assert.equal(sub.status, 200);
    await sub.ended;
    assert.ok(Date.now() >= exp * 1000 - 50, 'not before exp');
  });

  test('406 when Accept excludes text/event-stream', async () => {
    const response = await fetch(url(hub.hubUrl, [['topic', 'a']]), { headers: { accept: 'text/html' } });
    assert.equal(response.status, 406);
  });
});

describe('subscribe: stream headers and keep-alive', () => {
  test('text/event-stream, X-Accel-Buffering: no, and keep-alive comments', async () => {
    const sub = await subscribe(url(hub.hubUrl, [['topic', 'quiet']]));
    assert.equal(sub.status, 200);
    assert.match(sub.headers.get('content-type')!, /^text\/event-stream/);
    assert.equal(sub.headers.get('x-accel-buffering'), 'no');
    assert.equal(sub.headers.get('last-event-id'), null, 'no replay asked, no replay header');
    await sub.waitFor(() => sub.comments.length >= 1, 'a keep-alive comment', 5000);
    sub.close();
  });

  test('CORS: allowed origins are echoed with credentials, others get nothing', async () => {
    const allowed = await subscribe(url(hub.hubUrl, [['topic', 'a']]), { origin: 'http://app.test' });
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'http://app.test');
    assert.equal(allowed.headers.get('access-control-allow-credentials'), 'true');
    assert.match(allowed.headers.get('access-control-expose-headers')!, /Mercure-Last-Event-ID/);
    allowed.close();
    const denied = await subscribe(url(hub.hubUrl, [['topic', 'a']]), { origin: 'http://evil.test' });
    assert.equal(denied.headers.get('access-control-allow-origin'), null);
    denied.close();
    const preflight = await fetch(hub.hubUrl, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://other.test',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization',
      },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'http://other.test');
    assert.match(preflight.headers.get('access-control-allow-headers')!, /Authorization/);
  });

  test('CORS: a refusal (401, 400) to an allowed origin carries the CORS headers, so the page can read it', async () => {
    const refused = await fetch(url(hub.hubUrl, [['topic', 'a']]), {
      headers: { origin: 'http://app.test', cookie: 'mercureAuthorization=not-a-token' },
    });
    assert.equal(refused.status, 401);
    assert.equal(refused.headers.get('access-control-allow-origin'), 'http://app.test');
    assert.equal(refused.headers.get('access-control-allow-credentials'), 'true');
    const bad = await fetch(url(hub.hubUrl, [['match_nonsense', 'a']]), { headers: { origin: 'http://app.test' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.headers.get('access-control-allow-origin'), 'http://app.test');
    const elsewhere = await fetch(url(hub.hubUrl, [['topic', 'a']]), {
      headers: { origin: 'http://evil.test', cookie: 'mercureAuthorization=not-a-token' },
    });
    assert.equal(elsewhere.headers.get('access-control-allow-origin'), null);
  });
});

describe('subscribe: replay after Last-Event-ID', () => {
  test('from the header, lastEventID and last_event_id: every matching update after it, in order', async () => {
    const topic = `urn:replay:${Math.random()}`;
    const first = await send(topic, '1');
    await send('urn:unrelated', 'x');
    await send(topic, '2');
    await send(topic, '3', [['private', 'on']]);
    await send(topic, '4');
    for (const [params, headers] of [
      [[['topic', topic]], { 'last-event-id': first }],
      [
        [
          ['topic', topic],
          ['lastEventID', first],
        ],
        {},
      ],
      [
        [
          ['topic', topic],
          ['last_event_id', first],
        ],
        {},
      ],
      [
        [
          ['topic', topic],
          ['lastEventID', 'ignored'],
        ],
        { 'last-event-id': first },
      ],
    ] as [[string, string][], Record<string, string>][]) {
      const sub = await subscribe(url(hub.hubUrl, params), headers);
      assert.equal(sub.headers.get('last-event-id'), first);
      assert.equal(sub.headers.get('mercure-last-event-id'), first);
      const events = await sub.waitForEvents(3);
      assert.deepEqual(
        events.map((e) => [e.event, e.data]),
        [
          ['tidings-replay', JSON.stringify({ lastEventId: first, requested: first })],
          ['message', '2'],
          ['message', '4'],
        ],
      );
      sub.close();
    }
  });

  test('private updates are replayed only to subscribers granted them', async () => {
    const topic = `urn:replay-private:${Math.random()}`;
    const before = await send('urn:anchor', 'anchor');
    await send(topic, 'secret', [['private', 'on']]);
    await send(topic, 'public');
    const granted = await subscribe(
      url(hub.hubUrl, [
        ['topic', topic],
        ['lastEventID', before],
      ]),
      {
        authorization: `Bearer ${token({ mercure: { subscribe: [topic] } })}`,
      },
    );
    assert.deepEqual(
      (await granted.waitForEvents(3)).slice(1).map((e) => e.data),
      ['secret', 'public'],
    );
    granted.close();
  });

  test('an unknown id replays the whole visible history and says "earliest" in headers and in-band', async () => {
    const topic = `urn:replay-unknown:${Math.random()}`;
    await send(topic, 'a');
    await send(topic, 'b');
    const sub = await subscribe(
      url(hub.hubUrl, [
        ['topic', topic],
        ['lastEventID', 'urn:never-published'],
      ]),
    );
    assert.equal(sub.headers.get('last-event-id'), 'earliest');
    assert.equal(sub.headers.get('mercure-last-event-id'), 'earliest');
    const events = await sub.waitForEvents(3);
    assert.deepEqual(JSON.parse(events[0]!.data), { lastEventId: 'earliest', requested: 'urn:never-published' });
    assert.deepEqual(
      events.slice(1).map((e) => e.data),
      ['a', 'b'],
    );
    sub.close();
    const earliest = await subscribe(
      url(hub.hubUrl, [
        ['topic', topic],
        ['last_event_id', 'earliest'],
      ]),
    );
    assert.equal(earliest.headers.get('mercure-last-event-id'), 'earliest');
    assert.deepEqual(
      (await earliest.waitForEvents(3)).slice(1).map((e) => e.data),
      ['a', 'b'],
    );
    earliest.close();
  });

  test('an id that left the history (--history-size) is reported as earliest', async () => {
    const topic = `urn:trimmed:${Math.random()}`;
    const old = await send(topic, 'old');
    for (let i = 0; i < 50; i++) await send('urn:filler', String(i));
    const kept = await send(topic, 'kept');
    const sub = await subscribe(
      url(hub.hubUrl, [
        ['topic', topic],
        ['lastEventID', old],
      ]),
    );
    assert.equal(sub.headers.get('last-event-id'), 'earliest');
    assert.deepEqual(
      (await sub.waitForEvents(2)).slice(1).map((e) => [e.data, e.lastEventId]),
      [['kept', kept]],
    );
    sub.close();
  });

  test('replay joins the live stream with no gap and no duplicate while updates keep coming', async () => {
    const topic = `urn:join:${Math.random()}`;
    const anchor = await send(topic, '0');
    for (let i = 1; i <= 20; i++) await send(topic, String(i));
    // Publish concurrently with the subscription: some land in the replay, some in the live stream.
    const publishing = (async () => {
      for (let i = 21; i <= 40; i++) await send(topic, String(i));
    })();
    const sub = await subscribe(
      url(hub.hubUrl, [
        ['topic', topic],
        ['lastEventID', anchor],
      ]),
    );
    await publishing;
    const events = await sub.waitForEvents(41);
    assert.deepEqual(
      events.slice(1).map((e) => e.data),
      Array.from({ length: 40 }, (_, i) => String(i + 1)),
    );
    sub.close();
  });
});

describe('subscribe: ids of any script and any allowed length come back', () => {
  test('a non-ASCII Last-Event-ID header is read as UTF-8, so it matches (no replay of everything again)', async () => {
    const topic = `urn:utf8:${Math.random()}`;
    const id = `événement-€-𝄞-${Math.random()}`;
    await send(topic, 'first', [['id', id]]);
    await send(topic, 'second');
    // Browsers and @tidings/client send the header as UTF-8 bytes; fetch takes one character per byte.
    const sub = await subscribe(url(hub.hubUrl, [['topic', topic]]), {
      'last-event-id': Buffer.from(id, 'utf8').toString('latin1'),
    });
    const headerText = Buffer.from(sub.headers.get('last-event-id')!, 'latin1').toString('utf8');
    assert.equal(headerText, id, 'the response header names the id, as UTF-8 bytes');
    const events = await sub.waitForEvents(2);
    assert.deepEqual(JSON.parse(events[0]!.data), { lastEventId: id, requested: id });
    assert.equal(events[1]!.data, 'second');
    sub.close();
  });

  test('an id above U+00FF replayed through ?lastEventID= is answered 200, and leaves no subscriber behind', async () => {
    const topic = `urn:wide:${Math.random()}`;
    const id = `日本語-${Math.random()}`;
    await send(topic, 'first', [['id', id]]);
    await send(topic, 'second');
    const subscribersNow = async () =>
      Number(/^tidings_subscribers (\d+)/m.exec(await (await fetch(`${hub.url}/metrics`)).text())![1]);
    const before = await subscribersNow();
    for (let i = 0; i < 5; i++) {
      const sub = await subscribe(
        url(hub.hubUrl, [
          ['topic', topic],
          ['lastEventID', id],
        ]),
      );
      assert.equal(sub.status, 200);
      assert.equal(Buffer.from(sub.headers.get('mercure-last-event-id')!, 'latin1').toString('utf8'), id);
      assert.equal((await sub.waitForEvents(2))[1]!.data, 'second');
      sub.close();
    }
    for (let tries = 0; (await subscribersNow()) !== before; tries++) {
      assert.ok(tries < 100, 'the subscribers left');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  test('the longest id a publisher may give is accepted back as Last-Event-ID; one more character is refused at both ends', async () => {
    const topic = `urn:long-id:${Math.random()}`;
    const id = `urn:${'x'.repeat(2048 - 4 - 20)}${String(Math.random()).padEnd(20, '0').slice(0, 20)}`;
    assert.equal(id.length, 2048);
    await send(topic, 'first', [['id', id]]);
    await send(topic, 'second');
    const sub = await subscribe(url(hub.hubUrl, [['topic', topic]]), { 'last-event-id': id });
    assert.equal(sub.status, 200);
    assert.equal((await sub.waitForEvents(2))[1]!.data, 'second');
    sub.close();
    const tooLong = `${id}y`;
    const refusedPublish = await publish(
      hub.hubUrl,
      [
        ['topic', topic],
        ['id', tooLong],
      ],
      { token: publisher },
    );
    assert.equal(refusedPublish.status, 413);
    const refusedSubscribe = await fetch(url(hub.hubUrl, [['topic', topic]]), {
      headers: { 'last-event-id': tooLong },
    });
    assert.equal(refusedSubscribe.status, 400);
    assert.match(await refusedSubscribe.text(), /Last-Event-ID longer than 2048/);
  });
});

describe('subscribe: slow subscribers, health and metrics', () => {
  test('a subscriber that stops reading is disconnected, counted and logged; the others get everything', async () => {
    const topic = `urn:slow:${Math.random()}`;
    const fast = await subscribe(url(hub.hubUrl, [['topic', topic]]));
    // A raw socket that sends the request and never reads: its kernel buffers fill, then the hub's queue.
    const { port } = new URL(hub.url);
    const socket = connect(Number(port), '127.0.0.1');
    socket.write(
      `GET /.well-known/mercure?topic=${encodeURIComponent(topic)} HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n`,
    );
    socket.pause();
    const before = Number(
      /tidings_slow_subscriber_disconnects_total (\d+)/.exec(await (await fetch(`${hub.url}/metrics`)).text())![1],
    );
    const big = 'x'.repeat(32 * 1024);
    let sent = 0;
    while (!hub.logs.some((line) => line.msg === 'slow subscriber disconnected') && sent < 2000) {
      await send(topic, big);
      sent++;
      if (sent > 4) await fast.waitForEvents(sent - 4);
    }
    await hub.waitForLog((line) => line.msg === 'slow subscriber disconnected');
    await fast.waitForEvents(sent);
    assert.ok(fast.events.every((e) => e.data === big));
    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    assert.equal(Number(/tidings_slow_subscriber_disconnects_total (\d+)/.exec(metrics)![1]), before + 1);
    socket.destroy();
    fast.close();
  });

  test('/healthz is 200 and /metrics speaks Prometheus text', async () => {
    const health = await fetch(`${hub.url}/healthz`);
    assert.equal(health.status, 200);
    const sub = await subscribe(url(hub.hubUrl, [['topic', 'urn:metrics']]));
    await send('urn:metrics', 'm');
    await sub.waitForEvents(1);
    const response = await fetch(`${hub.url}/metrics`);
    assert.match(response.headers.get('content-type')!, /^text\/plain; version=0.0.4/);
    const text = await response.text();
    for (const name of [
      'tidings_subscribers',
      'tidings_updates_published_total',
      'tidings_events_delivered_total',
      'tidings_slow_subscriber_disconnects_total',
      'tidings_publish_duration_seconds_bucket{le="+Inf"}',
      'tidings_publish_duration_seconds_count',
      'tidings_replays_total',
      'tidings_log_up',
      'tidings_log_errors_total',
      'tidings_log_feed_lag_entries',
    ]) {
      assert.match(text, new RegExp(`^${name.replace(/[{}+"]/g, '\\$&')} \\d`, 'm'), name);
    }
    assert.ok(Number(/^tidings_subscribers (\d+)/m.exec(text)![1]) >= 1);
    assert.match(text, /^tidings_log_up 1$/m);
    sub.close();
    assert.equal((await fetch(`${hub.url}/nothing-here`)).status, 404);
  });
});
