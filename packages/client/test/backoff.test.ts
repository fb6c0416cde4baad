// The opt-in reconnection policy: backoff growth, cap, jitter, attempts, the stop callback, the
// server's retry: winning, and reconnect: null. Delays are read from a fake clock, not waited for.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EventSource, type ReconnectAttempt, type ReconnectOptions } from '../src/index.ts';
import { backoffDelay, resolveReconnectPolicy } from '../src/reconnect-policy.ts';
import { logEvents } from './support/event-log.ts';
import { FakeTimers } from './support/fake-timers.ts';
import { EVENT_STREAM, respond, startServer, type TestServer } from './support/test-server.ts';
import { settle, waitFor } from './support/wait.ts';
import { withSource } from './support/with-source.ts';

describe('backoffDelay', () => {
  test('grows by factor from initialDelay and stops at maxDelay', () => {
    const policy = resolveReconnectPolicy({ initialDelay: 100, factor: 2, maxDelay: 1000, jitter: 0 });
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 40].map((attempt) => backoffDelay(policy, attempt)),
      [100, 200, 400, 800, 1000, 1000, 1000],
    );
  });

  test('jitter takes a random share of up to `jitter` off the delay', () => {
    const at = (random: number) =>
      backoffDelay(resolveReconnectPolicy({ initialDelay: 1000, jitter: 0.5, random: () => random }), 1);
    assert.equal(at(0), 1000);
    assert.equal(at(0.5), 750);
    assert.equal(at(0.999999), 500);
  });

  test('the defaults: 3 s doubling to 30 s, half of it random', () => {
    const policy = resolveReconnectPolicy({ random: () => 0 });
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(policy, attempt)),
      [3000, 6000, 12000, 24000, 30000, 30000],
    );
    assert.equal(backoffDelay(resolveReconnectPolicy({ random: () => 0.999999 }), 1), 1500);
  });
});

/**
 * A server whose responses are given by `plan` ('error': the socket is destroyed before a response,
 * 'open': a stream that stays open until `endOpen()`, any other string: a stream with that body).
 */
async function planned(plan: string[]): Promise<TestServer & { endOpen(): void }> {
  const open: (() => void)[] = [];
  const server = await startServer((_req, res, index) => {
    const step = plan[index] ?? 'error';
    if (step === 'error') {
      res.socket?.destroy();
    } else if (step === 'open') {
      res.writeHead(200, EVENT_STREAM);
      res.write(':\n');
      open.push(() => res.end());
    } else {
      respond(res, step);
    }
  });
  return Object.assign(server, { endOpen: () => open.shift()?.() });
}

/** Runs `attempts` reconnection timers of a source, firing each as soon as it is scheduled. */
async function fireReconnections(timers: FakeTimers, server: TestServer, attempts: number): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    await waitFor(() => timers.pending.length === 1, `reconnection timer ${i + 1}`);
    const requests = server.requests.length;
    timers.fireNext();
    await waitFor(() => server.requests.length === requests + 1, `request ${requests + 1}`);
  }
}

describe('reconnect policy on a live client', () => {
  test('network errors in a row back off exponentially up to maxDelay; error events carry the delay', async () => {
    const timers = new FakeTimers();
    const server = await planned([]);
    const reconnect = { initialDelay: 100, factor: 2, maxDelay: 1000, jitter: 0 };
    await withSource(server, { timers, reconnect }, async (source) => {
      const logged = logEvents(source);
      await fireReconnections(timers, server, 6);
      assert.deepEqual(timers.scheduled.slice(0, 6), [100, 200, 400, 800, 1000, 1000]);
      assert.deepEqual(
        logged.errors.slice(0, 6).map((event) => event.retryDelay),
        [100, 200, 400, 800, 1000, 1000],
      );
      assert.ok(logged.errors.every((event) => event.code === 'NETWORK_ERROR'));
    });
  });

  test('jitter uses the random source', async () => {
    const timers = new FakeTimers();
    const server = await planned([]);
    const randoms = [0, 0.5, 0.25];
    const reconnect = { initialDelay: 400, jitter: 1, random: () => randoms.shift() ?? 0 };
    await withSource(server, { timers, reconnect }, async () => {
      await fireReconnections(timers, server, 3);
      assert.deepEqual(timers.scheduled.slice(0, 3), [400, 400, 1200]);
    });
  });

  test('a connection that opens resets the attempt count', async () => {
    const timers = new FakeTimers();
    const server = await planned(['error', 'error', 'open']);
    await withSource(server, { timers, reconnect: { initialDelay: 100, jitter: 0 } }, async (source) => {
      await fireReconnections(timers, server, 2);
      await waitFor(() => source.readyState === EventSource.OPEN, 'OPEN');
      server.endOpen();
      await waitFor(() => timers.pending.length === 1, 'the next timer');
      assert.deepEqual(timers.scheduled, [100, 200, 100]);
    });
  });

  test('maxAttempts: the attempt after the last fails the connection (CLOSED, retryDelay null)', async () => {
    const timers = new FakeTimers();
    const server = await planned([]);
    await withSource(server, { timers, reconnect: { initialDelay: 10, jitter: 0, maxAttempts: 2 } }, async (source) => {
      const logged = logEvents(source);
      await fireReconnections(timers, server, 2);
      await waitFor(() => source.readyState === EventSource.CLOSED, 'CLOSED');
      assert.deepEqual(logged.log, [
        'error:NETWORK_ERROR:CONNECTING',
        'error:NETWORK_ERROR:CONNECTING',
        'error:NETWORK_ERROR:CLOSED',
      ]);
      assert.equal(logged.errors[2]?.retryDelay, null);
      assert.equal(server.requests.length, 3);
      assert.equal(timers.pending.length, 0);
    });
  });

  test('maxAttempts: 0 never reconnects', async () => {
    const timers = new FakeTimers();
    const server = await planned(['data: 1\n\n']);
    await withSource(server, { timers, reconnect: { maxAttempts: 0 } }, async (source) => {
      const logged = logEvents(source);
      await waitFor(() => source.readyState === EventSource.CLOSED, 'CLOSED');
      assert.deepEqual(logged.log, ['open:OPEN', 'message:1', 'error:STREAM_ENDED:CLOSED']);
    });
  });

  test('shouldReconnect is told attempt, delay, code and status, and false stops', async () => {
    const timers = new FakeTimers();
    const server = await planned(['data: 1\n\n']);
    const seen: ReconnectAttempt[] = [];
    const reconnect: ReconnectOptions = {
      initialDelay: 50,
      jitter: 0,
      shouldReconnect: (attempt) => {
        seen.push(attempt);
        return attempt.attempt < 2;
      },
    };
    await withSource(server, { timers, reconnect }, async (source) => {
      const logged = logEvents(source);
      await fireReconnections(timers, server, 1);
      await waitFor(() => source.readyState === EventSource.CLOSED, 'CLOSED');
      assert.deepEqual(seen, [
        { attempt: 1, delay: 50, code: 'STREAM_ENDED', status: 200 },
        { attempt: 2, delay: 100, code: 'NETWORK_ERROR', status: null },
      ]);
      assert.equal(logged.errors.at(-1)?.code, 'NETWORK_ERROR');
    });
  });

  test('shouldReconnect returning false at once: one error, CLOSED, no timer', async () => {
    const timers = new FakeTimers();
    const server = await planned([]);
    await withSource(server, { timers, reconnect: { shouldReconnect: () => false } }, async (source) => {
      const logged = logEvents(source);
      await waitFor(() => source.readyState === EventSource.CLOSED, 'CLOSED');
      assert.deepEqual(logged.log, ['error:NETWORK_ERROR:CLOSED']);
      assert.equal(timers.pending.length, 0);
    });
  });

  test("the server's retry: wins over the backoff once sent", async () => {
    const timers = new FakeTimers();
    const server = await planned(['retry: 70\n\n']);
    await withSource(server, { timers, reconnect: { initialDelay: 100, jitter: 0.5, random: () => 0.5 } }, async () => {
      await fireReconnections(timers, server, 4);
      assert.deepEqual(timers.scheduled.slice(0, 4), [70, 70, 70, 70]);
    });
  });
});

describe('reconnect: null', () => {
  test('the end of the stream closes it for good: one error event, STREAM_ENDED, CLOSED', async () => {
    const server = await planned(['data: 1\n\n']);
    await withSource(server, { reconnect: null }, async (source) => {
      const logged = logEvents(source);
      await waitFor(() => source.readyState === EventSource.CLOSED, 'CLOSED');
      await settle();
      assert.deepEqual(logged.log, ['open:OPEN', 'message:1', 'error:STREAM_ENDED:CLOSED']);
      assert.equal(server.requests.length, 1);
    });
  });
});
