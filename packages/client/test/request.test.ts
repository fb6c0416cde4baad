// What the client sends: standard headers, Last-Event-ID, and the opt-in headers, method, body, fetch.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EventSource, type EventSourceOptions, iterate } from '../src/index.ts';
import { type RecordedRequest, respond, startServer } from './support/test-server.ts';
import { waitFor } from './support/wait.ts';

/** Opens a source with `options` on a server that answers every request with `body` and ends it. */
async function requestsFor(options: EventSourceOptions, count = 1, body = 'data: x\n\n'): Promise<RecordedRequest[]> {
  const server = await startServer((_req, res) => respond(res, body));
  const source = new EventSource(server.url('/s'), { reconnect: { initialDelay: 0, jitter: 0 }, ...options });
  try {
    await waitFor(() => server.requests.length >= count, `${count} requests`);
    return server.requests.slice(0, count);
  } finally {
    source.close();
    await server.close();
  }
}

describe('standard request', () => {
  test('GET with Accept: text/event-stream, Cache-Control and Pragma no-cache, no Last-Event-ID the first time', async () => {
    const [request] = await requestsFor({});
    assert.equal(request?.method, 'GET');
    assert.equal(request?.path, '/s');
    assert.equal(request?.headers.accept, 'text/event-stream');
    // cache mode "no-store" on the wire, as the Fetch standard writes it (and WPT request-cache-control
    // expects); node joins repeated headers with ", ", so these also say each was sent once
    assert.equal(request?.headers['cache-control'], 'no-cache');
    assert.equal(request?.headers.pragma, 'no-cache');
    assert.equal(request?.headers['last-event-id'], undefined);
    assert.equal(request?.body, '');
  });

  test('Last-Event-ID on reconnection is the last event ID string', async () => {
    const requests = await requestsFor({}, 2, 'id: 41\ndata: a\n\nid: 42\ndata: b\n\n');
    assert.equal(requests[0]?.headers['last-event-id'], undefined);
    assert.equal(requests[1]?.headers['last-event-id'], '42');
  });

  test('Last-Event-ID is sent as UTF-8', async () => {
    const requests = await requestsFor({}, 2, 'id: é😀\ndata: a\n\n');
    const raw = requests[1]?.headers['last-event-id'] as string; // node reads header bytes as Latin-1
    assert.equal(Buffer.from(raw, 'latin1').toString('utf8'), 'é😀');
  });
});

describe('cache mode "no-store" on the wire', () => {
  // [fetch] HTTP-network-or-cache fetch: for cache mode "no-store", Pragma: no-cache and
  // Cache-Control: no-cache are each appended only if the header list does not contain that name yet.
  test('a Cache-Control given in headers is sent as given; Pragma: no-cache is still added', async () => {
    const [request] = await requestsFor({ headers: { 'Cache-Control': 'max-age=0' } });
    assert.equal(request?.headers['cache-control'], 'max-age=0');
    assert.equal(request?.headers.pragma, 'no-cache');
  });

  test('a Pragma given in headers is sent as given; Cache-Control: no-cache is still added', async () => {
    const [request] = await requestsFor({ headers: { pragma: 'x-custom' } });
    assert.equal(request?.headers.pragma, 'x-custom');
    assert.equal(request?.headers['cache-control'], 'no-cache');
  });

  test('a headers function that gives Cache-Control keeps it on every connection', async () => {
    const requests = await requestsFor({ headers: () => ({ 'cache-control': 'no-transform' }) }, 2);
    for (const request of requests) {
      assert.equal(request.headers['cache-control'], 'no-transform');
      assert.equal(request.headers.pragma, 'no-cache');
    }
  });

  test("the headers do not depend on the fetch honouring cache: 'no-store' (Deno's and Bun's ignore it)", async () => {
    const caches: (RequestCache | undefined)[] = [];
    const [request] = await requestsFor({
      fetch: (input, { cache, ...init }) => {
        caches.push(cache);
        return fetch(input, init); // the cache mode is dropped: only the client's own headers remain
      },
    });
    assert.equal(caches[0], 'no-store', 'the cache mode is still given to fetch, for browsers and Node');
    assert.equal(request?.headers['cache-control'], 'no-cache');
    assert.equal(request?.headers.pragma, 'no-cache');
  });

  test('every hop of a redirect carries them', async () => {
    const server = await startServer((req, res) => {
      if (req.path === '/from') res.writeHead(307, { location: '/to' }).end();
      else respond(res, 'data: x\n\n');
    });
    const source = new EventSource(server.url('/from'), { reconnect: null });
    try {
      await waitFor(() => server.requests.length >= 2, 'two requests');
      assert.deepEqual(
        server.requests.map((r) => [r.path, r.headers['cache-control'], r.headers.pragma]),
        [
          ['/from', 'no-cache', 'no-cache'],
          ['/to', 'no-cache', 'no-cache'],
        ],
      );
    } finally {
      source.close();
      await server.close();
    }
  });

  test('iterate() sends the same standard headers, on a POST stream too', async () => {
    const server = await startServer((_req, res) => respond(res, 'data: x\n\n'));
    try {
      for (const options of [{}, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }]) {
        for await (const _event of iterate(server.url('/s'), { ...options, reconnect: null }));
      }
      assert.deepEqual(
        server.requests.map((r) => [r.method, r.headers.accept, r.headers['cache-control'], r.headers.pragma]),
        [
          ['GET', 'text/event-stream', 'no-cache', 'no-cache'],
          ['POST', 'text/event-stream', 'no-cache', 'no-cache'],
        ],
      );
    } finally {
      await server.close();
    }
  });
});

describe('opt-in request options', () => {
  test('lastEventId is sent on the first connection too', async () => {
    const [request] = await requestsFor({ lastEventId: 'from-storage' });
    assert.equal(request?.headers['last-event-id'], 'from-storage');
  });

  test("Last-Event-ID is the client's own: one in options.headers is not sent", async () => {
    const requests = await requestsFor({ headers: { 'last-event-id': 'stale' } }, 2, 'id: fresh\ndata: a\n\n');
    assert.equal(requests[0]?.headers['last-event-id'], undefined);
    assert.equal(requests[1]?.headers['last-event-id'], 'fresh');
  });

  test('headers as an object, a Headers or pairs are sent', async () => {
    for (const headers of [
      { authorization: 'Bearer one', 'x-extra': 'a' },
      new Headers({ authorization: 'Bearer one', 'x-extra': 'a' }),
      [
        ['authorization', 'Bearer one'],
        ['x-extra', 'a'],
      ] as [string, string][],
    ]) {
      const [request] = await requestsFor({ headers });
      assert.equal(request?.headers.authorization, 'Bearer one');
      assert.equal(request?.headers['x-extra'], 'a');
      assert.equal(request?.headers.accept, 'text/event-stream');
    }
  });

  test('a headers function is called before every connection (a fresh token each time)', async () => {
    let calls = 0;
    const requests = await requestsFor({ headers: async () => ({ authorization: `Bearer ${++calls}` }) }, 3);
    assert.deepEqual(
      requests.map((request) => request.headers.authorization),
      ['Bearer 1', 'Bearer 2', 'Bearer 3'],
    );
  });

  test('POST with a JSON body, sent again on reconnection', async () => {
    const body = JSON.stringify({ prompt: 'hello' });
    const requests = await requestsFor({ method: 'POST', body, headers: { 'content-type': 'application/json' } }, 2);
    for (const request of requests) {
      assert.equal(request.method, 'POST');
      assert.equal(request.body, body);
      assert.equal(request.headers['content-type'], 'application/json');
      assert.equal(request.headers.accept, 'text/event-stream');
    }
  });

  test('bytes and URLSearchParams bodies, and another method', async () => {
    const [bytes] = await requestsFor({ method: 'PUT', body: new TextEncoder().encode('raw bytes') });
    assert.equal(bytes?.method, 'PUT');
    assert.equal(bytes?.body, 'raw bytes');
    const [form] = await requestsFor({ method: 'POST', body: new URLSearchParams({ a: '1', b: 'two words' }) });
    assert.equal(form?.body, 'a=1&b=two+words');
    assert.match(String(form?.headers['content-type']), /^application\/x-www-form-urlencoded/);
  });

  test('a fetch of your own is used for every request', async () => {
    const seen: string[] = [];
    const requests = await requestsFor(
      {
        fetch: (input, init) => {
          seen.push(`${init.method} ${new URL(input).pathname}`);
          return fetch(input, init);
        },
      },
      2,
    );
    assert.equal(requests.length, 2);
    assert.deepEqual(seen.slice(0, 2), ['GET /s', 'GET /s']);
  });

  test('a headers function that throws is a network error, retried', async () => {
    let calls = 0;
    const requests = await requestsFor(
      {
        headers: () => {
          calls++;
          if (calls === 1) throw new Error('token service down');
          return { authorization: 'Bearer ok' };
        },
      },
      1,
    );
    assert.equal(calls >= 2, true);
    assert.equal(requests[0]?.headers.authorization, 'Bearer ok');
  });
});
