// Reestablishing the connection, as the standard describes it: event order, readyState, the
// reconnection time, Last-Event-ID, and close() at every point.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_RECONNECTION_TIME, EventSource } from '../src/index.ts';
import { logEvents } from './support/event-log.ts';
import { FakeTimers } from './support/fake-timers.ts';
import { EVENT_STREAM, respond, startServer, type TestServer } from './support/test-server.ts';
import { settle, waitFor } from './support/wait.ts';
import { withSource } from './support/with-source.ts';

/** A server that answers request `index` (0 for the first) with an event stream whose whole body is `body(index)`. */
function streamServer(body: (index: number) => string): Promise<TestServer> {
  return startServer((_req, res, index) => respond(res, body(index)));
}

describe('reconnection', () => {
  test('the end of the stream is followed by error (CONNECTING), then a new connection with Last-Event-ID', async () => {
    const server = await streamServer((index) =>
      index === 0 ? 'retry: 5\nid: a\ndata: 1\n\ndata: 2\nid: b\n\nid: c\ndata: unfinished\n' : 'data: 3\n\n',
    );
    await withSource(server, undefined, async (source) => {
      const logged = logEvents(source);
      await waitFor(() => logged.messages.length >= 3, 'three messages');
      source.close();
      assert.deepEqual(logged.log.slice(0, 6), [
        'open:OPEN',
        'message:1',
        'message:2',
        'error:STREAM_ENDED:CONNECTING',
        'open:OPEN',
        'message:3',
      ]);
      assert.deepEqual(
        logged.messages.map((event) => event.lastEventId),
        ['a', 'b', 'b'],
      );
      // the id of the unfinished block was never dispatched, so it is not the last event ID
      assert.equal(server.requests[1]?.headers['last-event-id'], 'b');
      assert.equal(logged.errors[0]?.status, 200);
    });
  });

  test('the default reconnection time is DEFAULT_RECONNECTION_TIME (3 s)', async () => {
    const timers = new FakeTimers();
    const server = await streamServer(() => '');
    await withSource(server, { timers }, async () => {
      await waitFor(() => timers.pending.length === 1, 'a reconnection timer');
      assert.equal(DEFAULT_RECONNECTION_TIME, 3000);
      assert.deepEqual(timers.scheduled, [3000]);
      assert.equal(server.requests.length, 1);
      timers.fireNext();
      await waitFor(() => server.requests.length === 2, 'the second request');
    });
  });

  test('retry: sets the reconnection time; bogus values are ignored; it lasts across connections', async () => {
    const bodies = ['retry: 1234\n\n', 'retry: 12x\nretry: -5\nretry:\nretry: 1.5\nretry\n\n', 'retry:  7\n\n', ''];
    const timers = new FakeTimers();
    const server = await streamServer((index) => bodies[index] ?? '');
    await withSource(server, { timers }, async () => {
      for (let i = 1; i <= 3; i++) {
        await waitFor(() => timers.pending.length === 1, `reconnection timer ${i}`);
        timers.fireNext();
      }
      // 'retry:  7' has a leading space left after the first is removed: not digits only, ignored
      assert.deepEqual(timers.scheduled, [1234, 1234, 1234]);
    });
  });

  test('retry: 0 reconnects at once', async () => {
    const server = await streamServer((index) => `retry: 0\ndata: ${index}\n\n`);
    await withSource(server, undefined, async (source) => {
      const logged = logEvents(source);
      await waitFor(() => logged.messages.length >= 3, 'three connections');
      assert.equal(logged.errors[0]?.retryDelay, 0);
    });
  });

  test('a huge retry: waits (clamped to the longest timer, about 24.8 days) instead of reconnecting at once', async () => {
    // Node runs a timer of more than 2^31 - 1 ms after 1 ms: without a clamp this is a reconnect storm.
    const server = await streamServer((index) => `retry: 99999999999\ndata: ${index}\n\n`);
    await withSource(server, undefined, async (source) => {
      const logged = logEvents(source);
      await waitFor(() => logged.errors.length >= 1, 'the end of the first stream');
      await settle(300);
      assert.equal(server.requests.length, 1, 'no reconnection within 300 ms');
      assert.equal(logged.errors[0]?.retryDelay, 99999999999, 'the reconnection time is what the server said');
    });
  });

  test('a network error before the response reconnects; the error has no status', async () => {
    const server = await startServer((req, res, index) => {
      if (index === 0) {
        res.socket?.destroy();
        return;
      }
      respond(res, `data: ${req.headers['last-event-id'] ?? 'none'}\n\n`);
    });
    const timers = new FakeTimers();
    await withSource(server, { lastEventId: 'x', timers }, async (source) => {
      const logged = logEvents(source);
      await waitFor(() => timers.pending.length === 1, 'the reconnection timer');
      assert.equal(timers.fireNext(), DEFAULT_RECONNECTION_TIME);
      await waitFor(() => logged.messages.length >= 1, 'a message');
      assert.deepEqual(logged.log.slice(0, 3), ['error:NETWORK_ERROR:CONNECTING', 'open:OPEN', 'message:x']);
      assert.equal(logged.errors[0]?.status, null);
    });
  });

  test('a body that breaks off mid-event reconnects, and the broken event is not dispatched', async () => {
    const server = await startServer((_req, res, index) => {
      res.writeHead(200, EVENT_STREAM);
      if (index === 0) {
        res.write('retry: 1\nid: 1\ndata: whole\n\ndata: half');
        setImmediate(() => res.socket?.destroy());
        return;
      }
      res.end('data: again\n\n');
    });
    await withSource(server, undefined, async (source) => {
      const logged = logEvents(source);
      await waitFor(() => logged.messages.length >= 2, 'two messages');
      source.close();
      assert.deepEqual(logged.log.slice(0, 5), [
        'open:OPEN',
        'message:whole',
        'error:STREAM_ENDED:CONNECTING',
        'open:OPEN',
        'message:again',
      ]);
      assert.equal(server.requests[1]?.headers['last-event-id'], '1');
    });
  });

  test('an empty id clears Last-Event-ID for the next connection', async () => {
    const server = await streamServer((index) =>
      index === 0 ? 'retry: 1\nid: 1\ndata: a\n\nid\ndata: b\n\n' : 'data: c\n\n',
    );
    await withSource(server, undefined, async () => {
      await waitFor(() => server.requests.length >= 2, 'a reconnection');
      assert.equal(server.requests[1]?.headers['last-event-id'], undefined);
    });
  });
});

describe('close()', () => {
  test('in onmessage: the rest of the same chunk is not dispatched, and nothing follows', async () => {
    const server = await streamServer(() => 'retry: 1\ndata: 1\n\ndata: 2\n\nevent: x\ndata: 3\n\n');
    await withSource(server, undefined, async (source) => {
      const logged = logEvents(source, ['x']);
      source.onmessage = () => source.close();
      await waitFor(() => source.readyState === EventSource.CLOSED, 'CLOSED');
      await settle();
      assert.deepEqual(logged.log, ['open:OPEN', 'message:1']);
      assert.equal(server.requests.length, 1);
    });
  });

  test('in onopen: no message is dispatched and the server sees the request end', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, EVENT_STREAM);
      res.write('data: never\n\n');
    });
    await withSource(server, undefined, async (source) => {
      const logged = logEvents(source);
      source.onopen = () => source.close();
      await waitFor(() => server.requests.length === 1, 'the request');
      await server.requests[0]?.closed;
      await settle();
      assert.deepEqual(logged.log, ['open:OPEN']);
    });
  });

  test('in onerror: no reconnection', async () => {
    const timers = new FakeTimers();
    const server = await streamServer(() => 'data: 1\n\n');
    await withSource(server, { timers }, async (source) => {
      const logged = logEvents(source);
      source.onerror = () => source.close();
      await waitFor(() => logged.errors.length === 1, 'the error event');
      assert.equal(source.readyState, EventSource.CLOSED);
      assert.equal(timers.pending.length, 0);
    });
  });

  test('while waiting for the response: the request is aborted and no event fires', async () => {
    const server = await startServer(() => {}); // never answers
    await withSource(server, undefined, async (source) => {
      const logged = logEvents(source);
      await waitFor(() => server.requests.length === 1, 'the request');
      source.close();
      await server.requests[0]?.closed;
      await settle();
      assert.deepEqual(logged.log, []);
      assert.equal(source.readyState, EventSource.CLOSED);
    });
  });

  test('while waiting to reconnect: no new request', async () => {
    const timers = new FakeTimers();
    const server = await streamServer(() => '');
    await withSource(server, { timers }, async (source) => {
      await waitFor(() => timers.pending.length === 1, 'the reconnection timer');
      source.close();
      assert.equal(timers.pending.length, 0, 'the timer is cancelled');
      await settle();
      assert.equal(server.requests.length, 1);
    });
  });

  test('right after the constructor: no request completes, no event', async () => {
    const server = await streamServer(() => 'data: 1\n\n');
    const source = new EventSource(server.url());
    const logged = logEvents(source);
    source.close();
    await settle();
    assert.deepEqual(logged.log, []);
    await server.close();
  });
});
