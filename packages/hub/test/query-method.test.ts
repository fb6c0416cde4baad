// Subscribing with the QUERY method and a form body (draft-08 "Subscription", RFC 10008), against the
// started CLI over real HTTP: the body's matchers, the union with the query, `last_event_id` from either
// part (the query's wins), a matcher list too long for a URL, the limits, and the CORS preflight.
import assert from 'node:assert/strict';
import { METHODS } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { createHub } from '@tidings/hub';
import { createParser, type ParsedEvent } from '@tidings/protocol';
import { KEY, type RunningHub, startHub } from './support/hub-process.ts';
import { PUBLISH_ALL, publish, token } from './support/sse.ts';

const APP = 'http://app.test';
let hub: RunningHub;
const publisher = token(PUBLISH_ALL);

before(async () => {
  hub = await startHub(['--jwt-key', KEY, '--anonymous', '--cors-origins', APP]);
});
after(async () => {
  assert.equal(await hub.stop(), 0);
});

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

interface QueryStream {
  status: number;
  headers: Headers;
  text: string;
  /** Resolves the first `count` updates (rejects when the stream ends first or after 10 s). */
  events(count: number): Promise<ParsedEvent[]>;
  close(): void;
}

/** Sends a QUERY subscription; the stream's events are parsed as they arrive. */
async function query(
  params: [string, string][] | string,
  options: { search?: [string, string][]; headers?: Record<string, string> } = {},
): Promise<QueryStream> {
  const target = new URL(hub.hubUrl);
  for (const [name, value] of options.search ?? []) target.searchParams.append(name, value);
  const controller = new AbortController();
  const response = await fetch(target, {
    method: 'QUERY',
    headers: { accept: 'text/event-stream', ...FORM, ...options.headers },
    body: typeof params === 'string' ? params : new URLSearchParams(params).toString(),
    signal: controller.signal,
  });
  const received: ParsedEvent[] = [];
  const isStream = response.headers.get('content-type')?.startsWith('text/event-stream') === true;
  const text = isStream ? '' : await response.text();
  // The in-band `tidings-replay` event (README) is not an update: left out, so `events()` are the updates.
  const parser = createParser({ onEvent: (event) => event.event !== 'tidings-replay' && received.push(event) });
  const reading = isStream
    ? (async () => {
        try {
          for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) parser.feed(chunk);
        } catch {
          // aborted by close()
        }
      })()
    : Promise.resolve();
  return {
    status: response.status,
    headers: response.headers,
    text,
    async events(count) {
      const deadline = Date.now() + 10_000;
      let ended = false;
      void reading.then(() => (ended = true));
      while (received.length < count) {
        if (ended) throw new Error(`the stream ended after ${received.length} of ${count} events`);
        if (Date.now() > deadline) throw new Error(`timed out after ${received.length} of ${count} events`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return received.slice(0, count);
    },
    close: () => controller.abort(),
  };
}

function publishTo(topic: string, data: string, extra: [string, string][] = []) {
  return publish(hub.hubUrl, [['topic', topic], ['data', data], ...extra], { token: publisher });
}

const unique = () => `https://example.com/q/${Math.random().toString(36).slice(2)}`;

describe('QUERY subscriptions', () => {
  test("this Node's HTTP parser knows the QUERY method", () => {
    // Older parsers (Node 20.6.0, for one) answer 400 before the hub sees the request: every test below
    // would then fail, and this one says why.
    assert.ok(METHODS.includes('QUERY'), `Node ${process.version} refuses QUERY requests (use Node >= 22.2)`);
  });

  test('the body selects the topics; the answer is the same event stream as for GET', async () => {
    const base = unique();
    const stream = await query([
      ['match', `${base}/exact`],
      ['match_urlpattern', `${base}/books/:id`],
    ]);
    assert.equal(stream.status, 200);
    assert.equal(stream.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    assert.equal((await publishTo(`${base}/other`, 'not selected')).status, 200);
    assert.equal((await publishTo(`${base}/exact`, 'one')).status, 200);
    assert.equal((await publishTo(`${base}/books/7`, 'two')).status, 200);
    const events = await stream.events(2);
    assert.deepEqual(
      events.map((e) => e.data),
      ['one', 'two'],
    );
    stream.close();
  });

  test('matchers in the query and in the body are joined', async () => {
    const base = unique();
    const stream = await query([['match', `${base}/body`]], { search: [['match', `${base}/query`]] });
    assert.equal(stream.status, 200);
    await publishTo(`${base}/query`, 'from the query matcher');
    await publishTo(`${base}/body`, 'from the body matcher');
    assert.deepEqual(
      (await stream.events(2)).map((e) => e.data),
      ['from the query matcher', 'from the body matcher'],
    );
    stream.close();
  });

  test('last_event_id works from the body, and the query value wins when both have one', async () => {
    const topic = unique();
    const ids: string[] = [];
    for (const data of ['a', 'b', 'c']) ids.push((await publishTo(topic, data)).body);
    const fromBody = await query([
      ['match', topic],
      ['last_event_id', ids[0]!],
    ]);
    assert.equal(fromBody.headers.get('mercure-last-event-id'), ids[0]);
    assert.deepEqual(
      (await fromBody.events(2)).map((e) => e.data),
      ['b', 'c'],
    );
    fromBody.close();
    const both = await query(
      [
        ['match', topic],
        ['last_event_id', ids[0]!],
      ],
      { search: [['last_event_id', ids[1]!]] },
    );
    assert.equal(both.headers.get('mercure-last-event-id'), ids[1], 'the query component wins');
    assert.deepEqual(
      (await both.events(1)).map((e) => e.data),
      ['c'],
    );
    both.close();
  });

  test('a matcher list too long for a URL fits in the body', async () => {
    const base = unique();
    // 100 selectors (the limit) of about 400 characters: over Node's 16 KiB header limit as a URL.
    const topics = Array.from({ length: 100 }, (_, i) => `${base}/${'x'.repeat(400)}/${i}`);
    const params = topics.map((t): [string, string] => ['match', t]);
    const asGet = await fetch(`${hub.hubUrl}?${new URLSearchParams(params)}`, {
      headers: { accept: 'text/event-stream' },
    });
    assert.equal(asGet.status, 431, 'the same list in the URL is refused before the hub sees it');
    await asGet.body?.cancel();
    const stream = await query(params);
    assert.equal(stream.status, 200);
    await publishTo(topics[99]!, 'the last of 100');
    assert.equal((await stream.events(1))[0]!.data, 'the last of 100');
    stream.close();
  });

  test('private updates need a token there too', async () => {
    const topic = unique();
    const subscriber = token({ mercure: { subscribe: [topic] } });
    const stream = await query([['match', topic]], { headers: { authorization: `Bearer ${subscriber}` } });
    assert.equal(stream.status, 200);
    await publishTo(topic, 'private one', [['private', 'on']]);
    assert.equal((await stream.events(1))[0]!.data, 'private one');
    stream.close();
  });

  test('the body is checked like the query: unknown matcher, too many, broken escapes, not UTF-8 (400)', async () => {
    const bad: [string, string | Uint8Array][] = [
      ['an unknown matcher type', 'match_regexp=.*'],
      ['a misspelled matcher', 'Match=x'],
      ['101 selectors', Array.from({ length: 101 }, (_, i) => `match=t${i}`).join('&')],
      ['a broken percent-escape', 'match=%zz'],
      ['no selector in either part', 'other=1'],
      ['bytes that are not UTF-8', new Uint8Array([0x6d, 0x61, 0x74, 0x63, 0x68, 0x3d, 0xff])],
    ];
    for (const [what, body] of bad) {
      const response = await fetch(hub.hubUrl, { method: 'QUERY', headers: FORM, body: body as BodyInit });
      assert.equal(response.status, 400, what);
      await response.text();
    }
    const inQuery = await fetch(`${hub.hubUrl}?match=%zz`, { method: 'QUERY', headers: FORM, body: 'match=a' });
    assert.equal(inQuery.status, 400, 'a broken escape in the query of a QUERY');
    await inQuery.text();
  });

  test('a body that is not a form is 415 with Accept-Query; an empty one leaves the query alone', async () => {
    const json = await fetch(hub.hubUrl, {
      method: 'QUERY',
      headers: { 'content-type': 'application/json' },
      body: '{"match":"a"}',
    });
    assert.equal(json.status, 415);
    assert.equal(json.headers.get('accept-query'), 'application/x-www-form-urlencoded');
    await json.text();
    const untyped = await fetch(hub.hubUrl, { method: 'QUERY', body: new Uint8Array([0x6d]) });
    assert.equal(untyped.status, 415, 'a body without a type');
    await untyped.text();
    const topic = unique();
    const controller = new AbortController();
    const empty = await fetch(`${hub.hubUrl}?${new URLSearchParams({ match: topic })}`, {
      method: 'QUERY',
      headers: { accept: 'text/event-stream' },
      signal: controller.signal,
    });
    assert.equal(empty.status, 200);
    controller.abort();
  });

  test('a body over MAX_SUBSCRIBE_BODY_BYTES is 413', async () => {
    const response = await fetch(hub.hubUrl, {
      method: 'QUERY',
      headers: FORM,
      body: `match=${'a'.repeat(1_048_576)}`,
    });
    assert.equal(response.status, 413);
    await response.text();
  });

  test('CORS: the preflight allows QUERY for a listed origin; 405 lists QUERY in Allow', async () => {
    const preflight = await fetch(hub.hubUrl, {
      method: 'OPTIONS',
      headers: {
        origin: APP,
        'access-control-request-method': 'QUERY',
        'access-control-request-headers': 'content-type',
      },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), APP);
    assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /(^|, )QUERY(,|$)/);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Content-Type/);
    const other = await fetch(hub.hubUrl, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.test', 'access-control-request-method': 'QUERY' },
    });
    assert.equal(other.headers.get('access-control-allow-methods'), null, 'no methods for an unlisted origin');
    const put = await fetch(hub.hubUrl, { method: 'PUT', body: 'x' });
    assert.equal(put.status, 405);
    assert.equal(put.headers.get('allow'), 'GET, QUERY, POST, OPTIONS');
    await put.text();
  });
});

describe('QUERY through the Fetch API handler', () => {
  test('hub.fetch reads the form body the same way', async () => {
    const library = createHub({ anonymous: true, log: null });
    try {
      const topic = unique();
      const response = await library.fetch(
        new Request('http://localhost/.well-known/mercure?match=https://example.com/unused', {
          method: 'QUERY',
          headers: { ...FORM, accept: 'text/event-stream' },
          body: new URLSearchParams({ match: topic }),
        }),
      );
      assert.equal(response.status, 200);
      await library.publish({ topics: topic, data: 'through fetch' });
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let text = '';
      while (!/^data: through fetch$/m.test(text)) {
        const { value, done } = await reader.read();
        assert.equal(done, false, `the stream ended early: ${text}`);
        text += value;
      }
      await reader.cancel();
    } finally {
      await library.close();
    }
  });
});
