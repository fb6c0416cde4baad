// HTTP/2 flow control is per stream: a stream whose reader stops has its window run out, its session's
// writes back up (write() false, no 'drain') and the session is cut as a slow client, while the other
// streams of the same connection keep receiving. The cut is RST_STREAM CANCEL (RFC 9113 §7: "the stream
// is no longer needed"), not NO_ERROR, which would tell the client the response ended as meant.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, constants, createServer, type IncomingHttpHeaders } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createParser, type ParsedEvent } from '@tidings/protocol';
import { createChannel, type Session } from '@tidings/server';
import { createSession } from '@tidings/server/node';
import { until } from './helpers.ts';

test('an unread HTTP/2 stream is reset with CANCEL as slow; its neighbour on the connection keeps receiving', async () => {
  const channel = createChannel();
  const sessions: Session[] = [];
  const server = createServer((req, res) => {
    const session = createSession(req, res, { keepAlive: null, maxBufferedBytes: 16 * 1024 });
    if (!session) return;
    sessions.push(session);
    channel.register(session);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  // A small window per stream, and the default window (64 KiB) for the whole connection: the unread
  // stream can hold only its own window of the connection's, so it cannot starve its neighbour.
  const client = connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, {
    settings: { initialWindowSize: 8 * 1024 },
  });
  client.on('error', () => {});
  try {
    const open = async (read: boolean) => {
      const stream = client.request({ ':path': '/', accept: 'text/event-stream' });
      stream.on('error', () => {});
      const [headers] = (await once(stream, 'response')) as [IncomingHttpHeaders];
      assert.equal(headers[':status'], 200);
      const events: ParsedEvent[] = [];
      const parser = createParser({ onEvent: (event) => events.push(event) });
      if (read) stream.on('data', (chunk: Buffer) => parser.feed(chunk));
      return { stream, events };
    };
    const unread = await open(false);
    const reader = await open(true);
    await until(() => sessions.length === 2, 'two sessions');
    const [slowSession, readerSession] = sessions as [Session, Session];
    // Each event waits until the reader has the one before: the reader never falls behind, so only the
    // stream that does not read can be the slow one.
    let sent = 0;
    while (slowSession.connected && sent < 1_000) {
      await channel.broadcast(`${sent} ${'x'.repeat(2048)}`);
      sent++;
      await until(() => reader.events.length === sent || !slowSession.connected, `event ${sent} at the reader`);
    }
    assert.equal(slowSession.signal.reason.code, 'SLOW_CLIENT');
    await until(() => unread.stream.closed, 'the unread stream to be reset');
    assert.equal(unread.stream.rstCode, constants.NGHTTP2_CANCEL);
    assert.equal(readerSession.connected, true);
    assert.equal(client.closed || client.destroyed, false, 'the connection stays up');
    await channel.broadcast('after the reset');
    await until(() => reader.events.at(-1)?.data === 'after the reset', 'the reader to get every event');
    assert.equal(reader.events.length, sent + 1, 'the reader missed nothing');
  } finally {
    for (const session of sessions) session.close();
    client.destroy();
    server.close();
  }
});
