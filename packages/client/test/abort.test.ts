// options.signal: aborting closes the EventSource as close() does, at any point.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EventSource } from '../src/index.ts';
import { logEvents } from './support/event-log.ts';
import { FakeTimers } from './support/fake-timers.ts';
import { EVENT_STREAM, respond, startServer } from './support/test-server.ts';
import { settle, waitFor } from './support/wait.ts';
import { withSource } from './support/with-source.ts';

describe('signal', () => {
  test('an already aborted signal: CLOSED at once, no request', async () => {
    const server = await startServer(() => {});
    try {
      const source = new EventSource(server.url(), { signal: AbortSignal.abort() });
      assert.equal(source.readyState, EventSource.CLOSED);
      await settle();
      assert.equal(server.requests.length, 0);
    } finally {
      await server.close();
    }
  });

  test('abort while open: CLOSED, no error event, the server sees the request end', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, EVENT_STREAM);
      res.write('data: 1\n\n');
    });
    const controller = new AbortController();
    await withSource(server, { signal: controller.signal }, async (source) => {
      const logged = logEvents(source);
      await waitFor(() => logged.messages.length === 1, 'the message');
      controller.abort();
      assert.equal(source.readyState, EventSource.CLOSED);
      await server.requests[0]?.closed;
      await settle();
      assert.deepEqual(logged.log, ['open:OPEN', 'message:1']);
    });
  });

  test('abort while waiting to reconnect: the timer is cancelled', async () => {
    const timers = new FakeTimers();
    const server = await startServer((_req, res) => respond(res, ''));
    const controller = new AbortController();
    await withSource(server, { signal: controller.signal, timers }, async (source) => {
      await waitFor(() => timers.pending.length === 1, 'the reconnection timer');
      controller.abort();
      assert.equal(timers.pending.length, 0);
      assert.equal(source.readyState, EventSource.CLOSED);
    });
  });

  test('abort from inside a message handler stops the rest of the chunk', async () => {
    const server = await startServer((_req, res) => respond(res, 'data: 1\n\ndata: 2\n\n'));
    const controller = new AbortController();
    await withSource(server, { signal: controller.signal }, async (source) => {
      const logged = logEvents(source);
      source.onmessage = () => controller.abort();
      await waitFor(() => source.readyState === EventSource.CLOSED, 'CLOSED');
      await settle();
      assert.deepEqual(logged.log, ['open:OPEN', 'message:1']);
    });
  });
});
