import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { createParser, type ParsedEvent } from '@tidings/protocol';
import type { NodeSessionOptions } from '@tidings/server/node';
import { chunkedDecoder, openStream, sessionServer, until } from './helpers.ts';

const MAX = 64 * 1024;
const EVENT = 'x'.repeat(8 * 1024);

/** Opens a stream with a raw socket, reads the head, then stops reading. */
async function stalledClient(url: string): Promise<{ socket: Socket; head: string }> {
  const socket = connect(Number(new URL(url).port), '127.0.0.1');
  await once(socket, 'connect');
  socket.write('GET / HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n');
  let head = '';
  while (!head.includes('\r\n\r\n')) {
    const [chunk] = (await once(socket, 'data')) as [Buffer];
    head += chunk.toString('latin1');
  }
  // From here on nothing is read: the kernel buffers fill, then Node's, then the session's.
  socket.pause();
  return { socket, head };
}

const server = (options: NodeSessionOptions) => sessionServer({ keepAlive: null, maxBufferedBytes: MAX, ...options });

describe('back-pressure', () => {
  it("disconnects a client that stops reading (slowClient: 'disconnect'), with the buffer bounded", async () => {
    const s = await server({});
    try {
      const { socket } = await stalledClient(s.url);
      await until(() => s.sessions.length === 1, 'the session');
      const session = s.sessions[0]!;
      let pushed = 0;
      let maxSeen = 0;
      // Far more than the socket buffers can take; the session must give up long before.
      while (session.connected && pushed < 20_000) {
        session.push(EVENT, { id: String(pushed++) });
        maxSeen = Math.max(maxSeen, session.bufferedBytes);
        if (pushed % 4 === 0) await tick();
      }
      assert.equal(session.connected, false, `still connected after ${pushed} events`);
      assert.equal(session.signal.reason.code, 'SLOW_CLIENT');
      assert.ok(maxSeen <= MAX, `buffered ${maxSeen} > ${MAX}`);
      assert.ok(pushed < 20_000);
      // The server cut the connection: the client's socket is closed once it reads again.
      socket.resume();
      await once(socket, 'close');
    } finally {
      await s.close();
    }
  });

  it("keeps the newest events for a client that stops reading (slowClient: 'drop-oldest')", async () => {
    const s = await server({ slowClient: 'drop-oldest' });
    try {
      const { socket } = await stalledClient(s.url);
      await until(() => s.sessions.length === 1, 'the session');
      const session = s.sessions[0]!;
      let pushed = 0;
      let maxSeen = 0;
      while (session.droppedEvents < 50 && pushed < 20_000) {
        session.push(EVENT, { id: String(pushed++) });
        maxSeen = Math.max(maxSeen, session.bufferedBytes);
        if (pushed % 4 === 0) await tick();
      }
      assert.equal(session.connected, true);
      assert.ok(session.droppedEvents >= 50);
      assert.ok(maxSeen <= MAX, `buffered ${maxSeen} > ${MAX}`);
      session.push('the end', { id: 'end' });

      // The client reads again: it gets whole events, in order, with a gap where events were dropped,
      // and the newest one last.
      const events: ParsedEvent[] = [];
      const parser = createParser({ onEvent: (e) => events.push(e) });
      const decode = chunkedDecoder((payload) => parser.feed(payload));
      socket.on('data', (chunk: Buffer) => decode(chunk.toString('latin1')));
      socket.resume();
      await until(() => events.at(-1)?.data === 'the end', 'the last event', 30_000);
      const ids = events.slice(0, -1).map((e) => Number(e.lastEventId));
      for (let i = 1; i < ids.length; i++) assert.ok(ids[i]! > ids[i - 1]!, 'ids in order');
      assert.ok(
        events.slice(0, -1).every((e) => e.data === EVENT),
        'every event whole',
      );
      assert.equal(ids.length + session.droppedEvents, pushed, 'every event either delivered or counted as dropped');
      socket.destroy();
    } finally {
      await s.close();
    }
  });

  it('sends one event larger than maxBufferedBytes to a reader that keeps up: the limit is about a backlog, not one write', async () => {
    for (const slowClient of ['disconnect', 'drop-oldest'] as const) {
      const s = await server({ slowClient });
      try {
        const stream = await openStream(s.url);
        await until(() => s.sessions.length === 1, 'the session');
        const session = s.sessions[0]!;
        const big = 'y'.repeat(4 * MAX);
        session.push(big, { id: 'big' });
        await stream.waitFor(() => stream.events.length === 1, 'the big event');
        assert.equal(stream.events[0]!.data, big, slowClient);
        assert.equal(session.connected, true, slowClient);
        assert.equal(session.droppedEvents, 0, slowClient);
        stream.close();
      } finally {
        await s.close();
      }
    }
  });
});
