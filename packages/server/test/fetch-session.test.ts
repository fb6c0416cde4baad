import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { getRequestListener } from '@hono/node-server';
import { createParser, type ParsedEvent } from '@tidings/protocol';
import type { Session } from '@tidings/server';
import { createFetchSession } from '@tidings/server/fetch';
import { Hono } from 'hono';
import { listen, openStream } from './helpers.ts';

/** Reads a Response body until `count` events have arrived. */
async function readEvents(response: Response, count: number): Promise<{ events: ParsedEvent[]; retries: number[] }> {
  const events: ParsedEvent[] = [];
  const retries: number[] = [];
  const parser = createParser({ onEvent: (e) => events.push(e), onRetry: (ms) => retries.push(ms) });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  while (events.length < count) {
    const { done, value } = await reader.read();
    if (done) break;
    parser.feed(decoder.decode(value, { stream: true }));
  }
  reader.releaseLock();
  return { events, retries };
}

describe('createFetchSession', () => {
  it('returns a text/event-stream Response whose body carries the events', async () => {
    const { session, response } = createFetchSession(
      new Request('http://localhost/events?lastEventId=7', { headers: { accept: 'text/event-stream' } }),
      { retry: 1500 },
    );
    assert.ok(session);
    assert.equal(session.lastEventId, '7');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    assert.equal(response.headers.get('cache-control'), 'no-cache, no-transform');
    assert.equal(response.headers.get('x-accel-buffering'), 'no');
    // The runtime owns the connection: Connection is its business (and forbidden on HTTP/2).
    assert.equal(response.headers.get('connection'), null);
    session.push('one', { id: '8' });
    session.pushJson([1, 2], { event: 'list' });
    const { events, retries } = await readEvents(response, 2);
    assert.deepEqual(retries, [1500]);
    assert.deepEqual(
      events.map((e) => [e.event, e.data, e.lastEventId]),
      [
        ['message', 'one', '8'],
        ['list', '[1,2]', '8'],
      ],
    );
    session.close();
    assert.equal(session.signal.reason.code, 'SESSION_CLOSED');
  });

  it('answers 406 or calls onNotAcceptable', async () => {
    const request = new Request('http://localhost/', { headers: { accept: 'text/html' } });
    const plain = createFetchSession(request);
    assert.equal(plain.session, null);
    assert.equal(plain.response.status, 406);
    assert.match(await plain.response.text(), /Accept/);
    const custom = createFetchSession(request, {
      onNotAcceptable: () => Response.redirect('http://localhost/page.html', 302),
    });
    assert.equal(custom.response.status, 302);
  });

  it('closes the session when the request is aborted', async () => {
    const controller = new AbortController();
    const { session } = createFetchSession(new Request('http://localhost/', { signal: controller.signal }));
    assert.ok(session);
    controller.abort();
    assert.equal(session.signal.aborted, true);
    assert.equal(session.signal.reason.code, 'CLIENT_GONE');
    session.push('ignored');
  });

  it('serves Hono over real HTTP, and notices a client that leaves', async () => {
    const sessions: Session[] = [];
    const app = new Hono();
    app.get('/events', (c) => {
      const { session, response } = createFetchSession(c.req.raw);
      if (session) {
        sessions.push(session);
        session.push('hello from hono', { event: 'greeting', id: 'g1' });
      }
      return response;
    });
    const server = await listen(getRequestListener(app.fetch));
    try {
      const stream = await openStream(`${server.url}/events`, { 'last-event-id': 'g0' });
      assert.equal(stream.res.headers['content-type'], 'text/event-stream; charset=utf-8');
      await stream.waitFor(() => stream.events.length === 1, 'the greeting');
      assert.equal(stream.events[0]!.event, 'greeting');
      assert.equal(sessions[0]!.lastEventId, 'g0');
      const aborted = once(sessions[0]!.signal, 'abort');
      stream.close();
      await aborted;
      assert.equal(sessions[0]!.signal.reason.code, 'CLIENT_GONE');
    } finally {
      await server.close();
    }
  });
});

describe('createFetchSession back-pressure', () => {
  it('disconnects a reader that stops pulling, with the buffer bounded', async () => {
    const max = 32 * 1024;
    const { session, response } = createFetchSession(new Request('http://localhost/'), {
      keepAlive: null,
      maxBufferedBytes: max,
    });
    assert.ok(session);
    const reader = response.body!.getReader();
    session.push('first');
    await reader.read(); // reads once, then never again
    let pushed = 0;
    let maxSeen = 0;
    while (session.connected && pushed < 10_000) {
      session.push('z'.repeat(1024));
      pushed++;
      maxSeen = Math.max(maxSeen, session.bufferedBytes);
      if (pushed % 8 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal(session.signal.reason.code, 'SLOW_CLIENT');
    assert.ok(maxSeen <= max);
    // The stream the runtime reads from is errored, so the runtime drops the connection.
    await assert.rejects(async () => {
      for (;;) if ((await reader.read()).done) return;
    });
  });
});
