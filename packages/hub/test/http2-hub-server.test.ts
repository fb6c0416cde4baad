// createHubServer with TLS, on loopback: the request timeout on HTTP/2 streams and on the HTTP/1.1 side,
// GOAWAY for idle connections and at close, and closeAll cutting both kinds.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ClientHttp2Session, constants, type IncomingHttpHeaders } from 'node:http2';
import { type AddressInfo, connect as netConnect } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect as tlsConnect } from 'node:tls';
import { createDevCertificate } from '../src/cli/dev-certificate.ts';
import { createHubServer, type HubServer } from '../src/cli/hub-server.ts';
import { createLogger } from '../src/logger.ts';
import { connectH2 } from './support/h2-client.ts';

const made = createDevCertificate();
const TLS = { source: 'files', cert: made.cert, key: made.key } as const;
const log = createLogger('silent', () => {});

let running: HubServer | undefined;
afterEach(() => {
  running?.closeAll();
  running?.server.close();
  running = undefined;
});

/** Starts a TLS hub server whose listener echoes the body length of a POST, and holds a GET /stream open. */
async function start(requestTimeoutMs: number, idleTimeoutMs?: number) {
  const hubServer = createHubServer({ tls: TLS, requestTimeoutMs, log, ...(idleTimeoutMs && { idleTimeoutMs }) });
  running = hubServer;
  const held: ServerResponse[] = [];
  hubServer.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/late') {
      // A complete request answered after the request timeout: only an unfinished request is cut.
      req.resume();
      setTimeout(() => res.end('late'), requestTimeoutMs * 1.5);
      return;
    }
    if (req.url === '/stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': open\n\n');
      held.push(res);
      return;
    }
    let length = 0;
    req.on('data', (chunk: Buffer) => (length += chunk.length));
    req.on('end', () => {
      if (!res.headersSent) res.end(`got ${length}`);
    });
  });
  hubServer.server.listen(0, '127.0.0.1');
  await once(hubServer.server, 'listening');
  const { port } = hubServer.server.address() as AddressInfo;
  return { hubServer, held, origin: `https://127.0.0.1:${port}`, port };
}

/** Sends a request head and the start of a body that never ends; resolves the answer and how the stream closed. */
async function stalledRequest(session: ClientHttp2Session, headers: Record<string, string>, start: string) {
  const stream = session.request(headers, { endStream: false });
  stream.on('error', () => {});
  stream.write(start);
  const [head] = (await once(stream, 'response')) as [IncomingHttpHeaders];
  let text = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => (text += chunk));
  await once(stream, 'close');
  return { status: head[':status'], text, rstCode: stream.rstCode };
}

describe('createHubServer over TLS', () => {
  it('answers 408 to an HTTP/2 request whose body does not finish in time, not to a complete one answered late', async () => {
    const { origin } = await start(1_000);
    const session = await connectH2(origin, { fingerprint256: made.fingerprint256 });
    try {
      // A body that never ends: only the timeout answers it.
      const stalled = await stalledRequest(
        session,
        { ':method': 'POST', ':path': '/publish', 'content-length': '10' },
        'ab',
      );
      assert.equal(stalled.status, 408);
      assert.equal(stalled.text, 'the request took too long\n');
      assert.equal(stalled.rstCode, constants.NGHTTP2_NO_ERROR);
      // A complete request on the same connection is answered as usual.
      const stream = session.request({ ':method': 'POST', ':path': '/publish' });
      stream.end('hello');
      const [head] = (await once(stream, 'response')) as [IncomingHttpHeaders];
      stream.setEncoding('utf8');
      let text = '';
      for await (const chunk of stream) text += chunk;
      assert.deepEqual([head[':status'], text], [200, 'got 5']);
      const late = session.request({ ':path': '/late' });
      const [lateHead] = (await once(late, 'response')) as [IncomingHttpHeaders];
      let lateText = '';
      late.setEncoding('utf8');
      for await (const chunk of late) lateText += chunk;
      assert.deepEqual([lateHead[':status'], lateText], [200, 'late']);
      assert.equal(session.closed, false);
    } finally {
      session.destroy();
    }
  });

  it('answers 408 on the HTTP/1.1 side of the port too (Node’s requestTimeout, set on the secure server)', async () => {
    const { port } = await start(1_000);
    const socket = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] });
    await once(socket, 'secureConnect');
    assert.equal(socket.alpnProtocol, 'http/1.1');
    socket.write('POST /publish HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\nab');
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', () => {});
    await once(socket, 'close');
    assert.match(text, /^HTTP\/1\.1 408 /);
  });

  it('drops a connection whose TLS handshake does not finish within the head timeout', async () => {
    const { port } = await start(1_000);
    const socket = netConnect(port, '127.0.0.1');
    socket.on('error', () => {});
    await once(socket, 'connect');
    socket.write(Buffer.from([0x16, 0x03, 0x01])); // the start of a TLS record, and then nothing
    await once(socket, 'close');
  });

  it('closes an HTTP/2 connection with GOAWAY once it has had no stream for the idle timeout, never under a stream', async () => {
    const idleTimeoutMs = 200;
    const { origin, held } = await start(5_000, idleTimeoutMs);
    const session = await connectH2(origin);
    const goaway = once(session, 'goaway');
    let gone = false;
    void goaway.then(() => (gone = true));
    const stream = session.request({ ':path': '/stream' });
    stream.on('error', () => {});
    stream.resume();
    await once(stream, 'response');
    // A quiet stream: nothing is sent on the connection for many idle periods, yet it stays open.
    await sleep(idleTimeoutMs * 5);
    assert.equal(gone, false, 'no GOAWAY while a stream is open');
    assert.equal(session.closed, false);
    held[0]!.end();
    await once(stream, 'close');
    const [code] = (await goaway) as [number];
    assert.equal(code, constants.NGHTTP2_NO_ERROR);
    await once(session, 'close');
  });

  it('close() sends GOAWAY at once; open streams finish, and done runs once the last connection closed', async () => {
    const { hubServer, origin, held } = await start(5_000);
    const session = await connectH2(origin);
    const stream = session.request({ ':path': '/stream' });
    stream.on('error', () => {});
    await once(stream, 'response');
    let done = false;
    const goaway = once(session, 'goaway');
    hubServer.close(() => (done = true));
    const [code] = (await goaway) as [number];
    assert.equal(code, constants.NGHTTP2_NO_ERROR);
    assert.equal(done, false, 'the stream is still open');
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => (text += chunk));
    held[0]!.end('data: last\n\n');
    await once(stream, 'end'); // a clean end (END_STREAM), not a reset
    assert.equal(text, ': open\n\ndata: last\n\n');
    await once(hubServer.server, 'close');
    assert.equal(done, true);
    running = undefined;
  });

  it('closeAll() cuts HTTP/2 and HTTP/1.1 connections with requests under way', async () => {
    const { hubServer, origin, port } = await start(5_000);
    const session = await connectH2(origin);
    const stream = session.request({ ':path': '/stream' });
    stream.on('error', () => {});
    await once(stream, 'response');
    const socket = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] });
    socket.on('error', () => {});
    await once(socket, 'secureConnect');
    socket.write('GET /stream HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await once(socket, 'data');
    const closed = Promise.all([once(session, 'close'), once(socket, 'close')]);
    hubServer.closeAll();
    await closed;
  });
});
