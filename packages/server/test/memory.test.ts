import assert from 'node:assert/strict';
import { once } from 'node:events';
import { get, type IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createChannel, type Session } from '@tidings/server';
import { createSession } from '@tidings/server/node';
import { keepAliveTimerCount } from '../src/keep-alive.ts';
import { listen, until } from './helpers.ts';

// The test runner gives no --expose-gc; this switches it on for this process.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const TOTAL = 10_000;
/** Connections open at once: far below the 20,000 open-files limit (each costs two descriptors here). */
const BATCH = 250;

async function collect(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

describe('memory', () => {
  it(`releases ${TOTAL} sessions that connected and disconnected: the heap returns to its baseline`, async () => {
    const channel = createChannel();
    let opened = 0;
    let closed = 0;
    // A sample of sessions watched through WeakRefs: each must be garbage-collected at the end.
    const watched: WeakRef<Session>[] = [];
    const server = await listen((req, res) => {
      const session = createSession(req, res, { keepAlive: 15_000, retry: 1000 });
      if (!session) return;
      opened++;
      if (opened % 100 === 0) watched.push(new WeakRef(session));
      session.onClose(() => closed++);
      channel.register(session);
      session.push('welcome');
    });
    let port = 0;
    port = Number(new URL(server.url).port);
    let sequence = 0;
    const connectOnce = async () => {
      // Spread client sockets over several source addresses, so ephemeral ports are never short.
      const localAddress = `127.0.0.${2 + (sequence++ % 8)}`;
      const req = get({
        host: '127.0.0.1',
        port,
        path: '/',
        localAddress,
        agent: false,
        headers: { accept: 'text/event-stream' },
      });
      const [res] = (await once(req, 'response')) as [IncomingMessage];
      await once(res, 'data');
      req.destroy();
    };
    const run = async (count: number) => {
      for (let done = 0; done < count; done += BATCH) {
        await Promise.all(Array.from({ length: Math.min(BATCH, count - done) }, connectOnce));
      }
    };
    try {
      // Warm up (JIT, lazily created internals), then measure the baseline.
      await run(500);
      await until(() => closed === opened && channel.sessionCount === 0, 'the warm-up sessions to close');
      watched.length = 0;
      const baseline = await collect();

      await run(TOTAL);
      await until(() => closed === opened, 'every session to close', 30_000);
      assert.equal(opened, TOTAL + 500);
      assert.equal(channel.sessionCount, 0);
      assert.equal(keepAliveTimerCount(), 0, 'the shared keep-alive timer is gone');
      const after = await collect();
      const growth = after - baseline;
      // A leaked session (with its request, response and socket) costs several KB: 10,000 of them
      // would be tens of MB. Allow 3 MB of noise.
      assert.ok(growth < 3 * 1024 * 1024, `heap grew by ${(growth / 1024 / 1024).toFixed(2)} MB`);
      assert.equal(watched.length, TOTAL / 100);
      const alive = watched.filter((ref) => ref.deref() !== undefined).length;
      assert.equal(alive, 0, `${alive} of ${watched.length} watched sessions were not collected`);
      console.log(`heap: baseline ${(baseline / 1e6).toFixed(1)} MB, after ${(after / 1e6).toFixed(1)} MB`);
    } finally {
      await server.close();
    }
  });
});
