// RFC 9113 §8.2.2: an HTTP/2 response carries no connection-specific header fields. Node's http2 refuses
// most of them with an exception, so a session given such a header in `headers` must drop it over HTTP/2
// (and keep it over HTTP/1.1, where it means something).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { get, type IncomingMessage } from 'node:http';
import { connect, createServer, type IncomingHttpHeaders } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import type { Session } from '@tidings/server';
import { createSession } from '@tidings/server/node';
import { listen } from './helpers.ts';

const CONNECTION_SPECIFIC = {
  connection: 'keep-alive',
  'keep-alive': 'timeout=5',
  'proxy-connection': 'keep-alive',
  'transfer-encoding': 'chunked',
  upgrade: 'h2c',
};
const OPTIONS = { keepAlive: null, headers: { ...CONNECTION_SPECIFIC, 'x-kept': 'yes' } };

test('createSession over HTTP/2 drops connection-specific fields given in headers, and opens the stream', async () => {
  const sessions: Session[] = [];
  const failures: unknown[] = [];
  const server = createServer((req, res) => {
    try {
      const session = createSession(req, res, OPTIONS);
      if (session) sessions.push(session);
    } catch (error) {
      failures.push(error);
      res.stream.close();
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const client = connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  try {
    const stream = client.request({ ':path': '/', accept: 'text/event-stream' });
    stream.on('error', () => {});
    const [headers] = (await Promise.race([
      once(stream, 'response'),
      once(stream, 'close').then(() => [{ ':status': 'closed' }]),
    ])) as [IncomingHttpHeaders];
    assert.deepEqual(failures, []);
    assert.equal(headers[':status'], 200);
    assert.equal(headers['x-kept'], 'yes');
    for (const name of Object.keys(CONNECTION_SPECIFIC)) assert.equal(headers[name], undefined, name);
    assert.equal(sessions.length, 1);
    sessions[0]!.push('over h2');
    stream.setEncoding('utf8');
    const [chunk] = await once(stream, 'data');
    assert.equal(chunk, 'data: over h2\n\n');
  } finally {
    for (const session of sessions) session.close();
    client.destroy();
    server.close();
  }
});

test('createSession over HTTP/1.1 keeps the same headers as given', async () => {
  const sessions: Session[] = [];
  const server = await listen((req, res) => {
    const session = createSession(req, res, {
      keepAlive: null,
      headers: { 'keep-alive': 'timeout=5', 'x-kept': 'yes' },
    });
    if (session) sessions.push(session);
  });
  try {
    const response = await new Promise<IncomingMessage>((resolve) =>
      get(server.url, { headers: { accept: 'text/event-stream' } }, resolve),
    );
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['keep-alive'], 'timeout=5');
    assert.equal(response.headers['x-kept'], 'yes');
    assert.equal(response.headers.connection, 'keep-alive');
    response.destroy();
  } finally {
    for (const session of sessions) session.close();
    await server.close();
  }
});
