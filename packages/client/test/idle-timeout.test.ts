// idleTimeout: a connection on which no byte arrives for that long is dropped and reestablished.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventSource } from '../src/index.ts';
import { logEvents } from './support/event-log.ts';
import { FakeTimers } from './support/fake-timers.ts';
import { EVENT_STREAM, startServer } from './support/test-server.ts';
import { waitFor } from './support/wait.ts';
import { withSource } from './support/with-source.ts';

describe('idleTimeout', () => {
  test('a silent open stream is dropped (IDLE_TIMEOUT, status 200) and reconnected with Last-Event-ID', async () => {
    const timers = new FakeTimers();
    const server = await startServer((_req, res) => {
      res.writeHead(200, EVENT_STREAM);
      res.write('id: 9\ndata: then silence\n\n');
    });
    await withSource(server, { idleTimeout: 5000, timers }, async (source) => {
      const logged = logEvents(source);
      await waitFor(() => logged.messages.length === 1, 'the message');
      // the only pending timer is the idle one, re-armed by the last chunk
      assert.deepEqual(
        timers.pending.map((timer) => timer.milliseconds),
        [5000],
      );
      timers.fireNext();
      assert.deepEqual(logged.log, ['open:OPEN', 'message:then silence', 'error:IDLE_TIMEOUT:CONNECTING']);
      assert.equal(logged.errors[0]?.status, 200);
      await server.requests[0]?.closed; // the silent connection was aborted
      const reconnect = timers.pending.find((timer) => timer.milliseconds === 3000);
      assert.ok(reconnect, 'a reconnection is scheduled after the reconnection time');
      timers.clearTimeout(reconnect.id);
      reconnect.callback();
      await waitFor(() => server.requests.length === 2, 'the reconnection');
      assert.equal(server.requests[1]?.headers['last-event-id'], '9');
    });
  });

  test('a server that never answers is timed out too (status null)', async () => {
    const timers = new FakeTimers();
    const server = await startServer(() => {});
    await withSource(server, { idleTimeout: 1000, reconnect: null, timers }, async (source) => {
      const logged = logEvents(source);
      await waitFor(() => server.requests.length === 1, 'the request');
      timers.fireNext();
      assert.deepEqual(logged.log, ['error:IDLE_TIMEOUT:CLOSED']);
      assert.equal(logged.errors[0]?.status, null);
      await server.requests[0]?.closed;
    });
  });

  test('every chunk, a keep-alive comment included, re-arms the timer', async () => {
    const timers = new FakeTimers();
    let write: ((text: string) => void) | undefined;
    const server = await startServer((_req, res) => {
      res.writeHead(200, EVENT_STREAM);
      res.write(':\n');
      write = (text) => res.write(text);
    });
    await withSource(server, { idleTimeout: 1000, timers }, async (source) => {
      const logged = logEvents(source);
      await waitFor(() => write !== undefined && timers.scheduled.length >= 3, 'armed at request, response, chunk');
      for (let i = 0; i < 3; i++) {
        const before = timers.scheduled.length;
        write?.(': keep-alive\n');
        await waitFor(() => timers.scheduled.length > before, 're-armed');
        assert.equal(timers.pending.length, 1, 'the previous idle timer was cleared');
      }
      assert.deepEqual(logged.log, ['open:OPEN']);
    });
  });

  test('with real timers: keep-alives every 20 ms hold a 400 ms idle timeout off; silence trips it', async () => {
    let keepAlive: NodeJS.Timeout | undefined;
    const server = await startServer((_req, res, index) => {
      res.writeHead(200, EVENT_STREAM);
      res.write('retry: 0\n\n');
      if (index === 0) keepAlive = setInterval(() => res.write(':\n'), 20);
    });
    const source = new EventSource(server.url(), { idleTimeout: 400 });
    try {
      const logged = logEvents(source);
      await waitFor(() => source.readyState === EventSource.OPEN, 'OPEN');
      await sleep(600); // longer than the idle timeout, with keep-alives flowing
      assert.deepEqual(logged.log, ['open:OPEN']);
      clearInterval(keepAlive);
      await waitFor(() => logged.errors.length === 1, 'the idle timeout');
      assert.equal(logged.errors[0]?.code, 'IDLE_TIMEOUT');
    } finally {
      clearInterval(keepAlive);
      source.close();
      await server.close();
    }
  });
});
