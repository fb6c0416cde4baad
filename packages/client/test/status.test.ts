// Which responses open the stream, which fail it for good, which lead to a reconnection.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EventSource } from '../src/index.ts';
import { logEvents } from './support/event-log.ts';
import { respond, startServer } from './support/test-server.ts';
import { settle, waitFor } from './support/wait.ts';

/** Serves `status` with `headers` to every request; returns the dispatched log and the request count. */
async function answer(status: number, headers: Record<string, string>, body = 'data: x\n\n') {
  const server = await startServer((_req, res) => {
    res.writeHead(status, headers);
    res.end(body);
  });
  // A reconnection policy with no delay: were a failure wrongly retried, a second request would show.
  const source = new EventSource(server.url(), { reconnect: { initialDelay: 0, jitter: 0 } });
  try {
    const logged = logEvents(source);
    await waitFor(() => logged.errors.length > 0, 'an error event');
    await settle();
    return { logged, requests: server.requests.length, readyState: source.readyState };
  } finally {
    source.close();
    await server.close();
  }
}

describe('status codes', () => {
  for (const status of [201, 202, 203, 205, 206, 299, 400, 401, 403, 404, 410, 429, 500, 502, 503]) {
    test(`HTTP ${status} fails the connection for good, with the status on the error event`, async () => {
      const { logged, requests, readyState } = await answer(status, { 'content-type': 'text/event-stream' });
      assert.deepEqual(logged.log, ['error:HTTP_STATUS:CLOSED']);
      assert.equal(logged.errors[0]?.status, status);
      assert.equal(logged.errors[0]?.retryDelay, null);
      assert.equal(readyState, EventSource.CLOSED);
      assert.equal(requests, 1);
    });
  }

  test('204 No Content fails the connection with code NO_CONTENT', async () => {
    const { logged, requests } = await answer(204, {}, '');
    assert.deepEqual(logged.log, ['error:NO_CONTENT:CLOSED']);
    assert.equal(logged.errors[0]?.status, 204);
    assert.equal(requests, 1);
  });

  test('the standard error event is still an Event named error that does not bubble', async () => {
    const { logged } = await answer(500, {});
    const event = logged.errors[0];
    assert.ok(event instanceof Event);
    assert.equal(event.type, 'error');
    assert.equal(event.bubbles, false);
    assert.equal(event.cancelable, false);
    assert.match(event.message, /HTTP 500/);
  });
});

describe('Content-Type', () => {
  const accepted = [
    'text/event-stream',
    'text/event-stream;',
    'text/event-stream; charset=utf-8',
    'text/event-stream;charset=bogus',
    'TEXT/Event-Stream',
    ' text/event-stream ; x=y',
  ];
  for (const type of accepted) {
    test(`"${type}" opens the stream`, async () => {
      const { logged } = await answer(200, { 'content-type': type });
      assert.deepEqual(logged.log.slice(0, 2), ['open:OPEN', 'message:x']);
    });
  }
  const refused = ['text/plain', 'text/exent-stream', 'text/event-streams', 'text/event-stream/x', 'application/json'];
  for (const type of refused) {
    test(`"${type}" fails the connection with code CONTENT_TYPE`, async () => {
      const { logged, requests } = await answer(200, { 'content-type': type });
      assert.deepEqual(logged.log, ['error:CONTENT_TYPE:CLOSED']);
      assert.equal(logged.errors[0]?.status, 200);
      assert.equal(requests, 1);
    });
  }
  test('no Content-Type at all fails the connection', async () => {
    const { logged } = await answer(200, {});
    assert.deepEqual(logged.log, ['error:CONTENT_TYPE:CLOSED']);
  });
});

describe('redirects', () => {
  for (const status of [301, 302, 303, 307, 308]) {
    test(`${status} is followed; events carry the origin of the final URL; url stays as given`, async () => {
      const target = await startServer((_req, res) => respond(res, 'data: moved\n\n'));
      const origin = await startServer((_req, res) => {
        res.writeHead(status, { location: target.url('/final') });
        res.end();
      });
      const source = new EventSource(origin.url('/start'), { reconnect: null });
      try {
        const logged = logEvents(source);
        await waitFor(() => logged.messages.length > 0, 'the message');
        assert.equal(logged.messages[0]?.origin, target.origin);
        assert.notEqual(target.origin, origin.origin);
        assert.equal(source.url, origin.url('/start'));
        assert.equal(target.requests[0]?.path, '/final');
      } finally {
        source.close();
        await Promise.all([origin.close(), target.close()]);
      }
    });
  }

  test('a redirect without Location is the response itself: its status fails the connection', async () => {
    const { logged } = await answer(302, {});
    assert.deepEqual(logged.log, ['error:HTTP_STATUS:CLOSED']);
    assert.equal(logged.errors[0]?.status, 302);
  });

  test('a redirect loop is a network error after 20 hops', async () => {
    const server = await startServer((req, res) => {
      res.writeHead(307, { location: `/hop${Number(req.path.slice(4) || 0) + 1}` });
      res.end();
    });
    const source = new EventSource(server.url('/hop0'), { reconnect: null });
    try {
      const logged = logEvents(source);
      await waitFor(() => source.readyState === EventSource.CLOSED, 'CLOSED');
      assert.deepEqual(logged.log, ['error:NETWORK_ERROR:CLOSED']);
      assert.equal(logged.errors[0]?.status, null);
      assert.equal(server.requests.length, 21);
    } finally {
      source.close();
      await server.close();
    }
  });

  test('a redirect to a non-http URL is a network error', async () => {
    const { logged } = await answer(302, { location: 'ftp://127.0.0.1/x' });
    assert.equal(logged.log[0], 'error:NETWORK_ERROR:CONNECTING');
  });
});

describe('network errors', () => {
  test('a refused connection is a network error followed by a reconnection (readyState CONNECTING)', async () => {
    const server = await startServer(() => {});
    const url = server.url();
    await server.close(); // the port is now closed: connections are refused
    const source = new EventSource(url);
    try {
      const logged = logEvents(source);
      await waitFor(() => logged.errors.length > 0, 'an error event');
      assert.deepEqual(logged.log, ['error:NETWORK_ERROR:CONNECTING']);
      assert.equal(logged.errors[0]?.status, null);
      assert.equal(logged.errors[0]?.retryDelay, 3000);
      assert.equal(source.readyState, EventSource.CONNECTING);
    } finally {
      source.close();
    }
  });
});
