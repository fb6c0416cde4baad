import assert from 'node:assert/strict';
import { once } from 'node:events';
import {
  type ClientHttp2Session,
  type ClientHttp2Stream,
  connect,
  createServer,
  type IncomingHttpHeaders,
} from 'node:http2';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { createParser, type ParsedEvent } from '@tidings/protocol';
import { createChannel, type Session } from '@tidings/server';
import { createSession } from '@tidings/server/node';
import { until } from './helpers.ts';

interface H2Stream {
  stream: ClientHttp2Stream;
  headers: IncomingHttpHeaders;
  events: ParsedEvent[];
}

async function openH2(client: ClientHttp2Session, path: string): Promise<H2Stream> {
  const stream = client.request({ ':path': path, accept: 'text/event-stream' });
  const [headers] = (await once(stream, 'response')) as [IncomingHttpHeaders];
  const events: ParsedEvent[] = [];
  const parser = createParser({ onEvent: (e) => events.push(e) });
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => parser.feed(chunk));
  stream.on('error', () => {});
  return { stream, headers, events };
}

describe('createSession (node:http2 compatibility API, h2c)', () => {
  it('streams many events over one connection, resets only a slow stream, and notices closed streams', async () => {
    const channel = createChannel();
    const sessions: Session[] = [];
    const server = createServer((req, res) => {
      const session = createSession(req, res, { keepAlive: null, maxBufferedBytes: 32 * 1024 });
      if (!session) return;
      sessions.push(session);
      channel.register(session);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const client = connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    // A connection window far larger than one stream's, so one unread stream cannot stall the others.
    client.on('connect', () => client.setLocalWindowSize(64 * 1024 * 1024));
    try {
      // More than the six connections a browser allows per host over HTTP/1.1, on one connection.
      const streams = await Promise.all(Array.from({ length: 8 }, (_, i) => openH2(client, `/?n=${i}`)));
      for (const { headers } of streams) {
        assert.equal(headers[':status'], 200);
        assert.equal(headers['content-type'], 'text/event-stream; charset=utf-8');
        assert.equal(headers['cache-control'], 'no-cache, no-transform');
        // HTTP/2 forbids connection-specific headers.
        assert.equal(headers.connection, undefined);
      }
      await until(() => channel.sessionCount === 8, 'eight sessions');
      const id = await channel.broadcast('over h2', { event: 'hello' });
      for (const s of streams) {
        await until(() => s.events.length === 1, 'the broadcast');
        assert.deepEqual([s.events[0]!.event, s.events[0]!.data, s.events[0]!.lastEventId], ['hello', 'over h2', id]);
      }

      // One stream stops reading: HTTP/2 flow control backs up to its session, which is reset alone.
      const slow = streams[0]!;
      slow.stream.pause();
      const slowSession = sessions[0]!;
      let sent = 0;
      while (slowSession.connected && sent < 10_000) {
        void channel.broadcast('y'.repeat(4096));
        sent++;
        if (sent % 4 === 0) await tick();
      }
      assert.equal(slowSession.signal.reason.code, 'SLOW_CLIENT');
      assert.equal(client.closed, false, 'the connection stays up');
      void channel.broadcast('after the reset');
      for (const s of streams.slice(1))
        await until(() => s.events.at(-1)?.data === 'after the reset', 'the last event');

      // A client closing one stream closes that session only.
      streams[1]!.stream.close();
      await until(() => !sessions[1]!.connected, 'the closed stream to close its session');
      assert.equal(sessions[1]!.signal.reason.code, 'CLIENT_GONE');
      assert.equal(sessions[2]!.connected, true);
    } finally {
      for (const session of sessions) session.close();
      client.destroy();
      server.close();
      await once(server, 'close');
    }
  });
});
