// The Node adapter writes events to the socket directly after the head, framing the chunks itself. These
// tests read the raw bytes on the wire, so that a framing mistake (which node:http's client might forgive
// or hide) shows, and check the cases where it must fall back to `res.write`: HTTP/1.0, HEAD, a response
// to a pipelined request that does not own its socket yet.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import type { Session } from '@tidings/server';
import { createSession } from '@tidings/server/node';
import { batchBytes } from '../src/batch-bytes.ts';
import { chunkFrame } from '../src/chunk-frame.ts';
import { listen, until } from './helpers.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

/** A raw client: sends `request` text, collects every byte the server sends as latin1 text. */
async function rawClient(url: string, request: string): Promise<{ socket: Socket; received: () => string }> {
  const { port } = new URL(url);
  const socket = connect({ host: '127.0.0.1', port: Number(port) });
  await once(socket, 'connect');
  let text = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    text += chunk;
  });
  socket.write(request);
  return { socket, received: () => text };
}

const GET = 'GET /events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n';

/** The body of a chunked response: its chunks' data, in order, and whether the last chunk came. */
function decodeChunked(body: string): { chunks: string[]; ended: boolean; rest: string } {
  const chunks: string[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', at);
    if (lineEnd === -1) return { chunks, ended: false, rest: body.slice(at) };
    const size = Number.parseInt(body.slice(at, lineEnd), 16);
    assert.ok(Number.isInteger(size), `bad chunk size line ${JSON.stringify(body.slice(at, lineEnd))}`);
    if (size === 0) {
      assert.equal(body.slice(lineEnd, lineEnd + 4), '\r\n\r\n', 'the last chunk ends with an empty trailer');
      return { chunks, ended: true, rest: body.slice(lineEnd + 4) };
    }
    const data = body.slice(lineEnd + 2, lineEnd + 2 + size);
    if (data.length < size) return { chunks, ended: false, rest: body.slice(at) };
    assert.equal(body.slice(lineEnd + 2 + size, lineEnd + 4 + size), '\r\n', 'each chunk ends with CRLF');
    chunks.push(data);
    at = lineEnd + 4 + size;
  }
}

const bodyOf = (response: string) => response.slice(response.indexOf('\r\n\r\n') + 4);

describe('direct socket writes (node:http, HTTP/1.1)', () => {
  it('frames each flush as one chunk: events pushed in one turn share it', async () => {
    const sessions: Session[] = [];
    const server = await listen((req, res) => {
      const session = createSession(req, res, { keepAlive: null, retry: null });
      if (session) sessions.push(session);
    });
    try {
      const client = await rawClient(server.url, GET);
      await until(() => sessions.length === 1 && client.received().includes('\r\n\r\n'), 'the head');
      const session = sessions[0]!;
      session.push('one', { id: '1' });
      session.push('two', { id: '2' });
      await until(() => decodeChunked(bodyOf(client.received())).chunks.length === 1, 'one chunk');
      session.push('three');
      await until(() => decodeChunked(bodyOf(client.received())).chunks.length === 2, 'two chunks');
      assert.match(client.received(), /^HTTP\/1\.1 200 OK\r\n/);
      assert.match(client.received(), /\r\ntransfer-encoding: chunked\r\n/i);
      assert.deepEqual(decodeChunked(bodyOf(client.received())).chunks, [
        'id: 1\ndata: one\n\nid: 2\ndata: two\n\n',
        'data: three\n\n',
      ]);
      client.socket.destroy();
    } finally {
      await server.close();
    }
  });

  it('ends the body with the last chunk and keeps the connection for the next request, without a leftover listener', async () => {
    let drainListeners: number[] = [];
    const server = await listen((req, res) => {
      const socket = (res as ServerResponse).socket!;
      drainListeners.push(socket.listenerCount('drain'));
      const session = createSession(req, res, { keepAlive: null, retry: null });
      session?.push(`for ${req.url}`);
      session?.close();
    });
    try {
      const first = 'GET /a HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n';
      const client = await rawClient(server.url, first);
      await until(() => client.received().endsWith('0\r\n\r\n'), 'the first body to end');
      client.socket.write('GET /b HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n');
      await until(() => client.received().split('0\r\n\r\n').length === 3, 'both bodies to end');
      const [answerA, answerB] = client.received().split(/(?=HTTP\/1\.1 200)/);
      assert.deepEqual(decodeChunked(bodyOf(answerA!)), { chunks: ['data: for /a\n\n'], ended: true, rest: '' });
      assert.deepEqual(decodeChunked(bodyOf(answerB!)), { chunks: ['data: for /b\n\n'], ended: true, rest: '' });
      // The first response's drain listener left with it: the second found the socket as the first did.
      assert.equal(drainListeners.length, 2);
      assert.equal(drainListeners[1], drainListeners[0]);
      drainListeners = [];
      client.socket.destroy();
    } finally {
      await server.close();
    }
  });

  it('answers pipelined requests in order: the second stream waits for the first to end', async () => {
    const server = await listen((req, res) => {
      const session = createSession(req, res, { keepAlive: null, retry: null });
      if (session === null) return;
      session.push(`for ${req.url}`);
      // The first stream ends a little later, while the second one has already pushed.
      if (req.url === '/first') setTimeout(() => session.close(), 50);
      else session.close();
    });
    try {
      const request = (path: string) => `GET ${path} HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n`;
      const client = await rawClient(server.url, request('/first') + request('/second'));
      await until(() => client.received().split('0\r\n\r\n').length === 3, 'both bodies to end');
      const [answerA, answerB] = client.received().split(/(?=HTTP\/1\.1 200)/);
      assert.deepEqual(decodeChunked(bodyOf(answerA!)).chunks, ['data: for /first\n\n']);
      assert.deepEqual(decodeChunked(bodyOf(answerB!)).chunks, ['data: for /second\n\n']);
      client.socket.destroy();
    } finally {
      await server.close();
    }
  });

  it('writes HTTP/1.0 streams unframed (close-delimited) and sends no body to HEAD', async () => {
    const sessions: Session[] = [];
    const server = await listen((req, res) => {
      const session = createSession(req, res, { keepAlive: null, retry: null });
      if (session === null) return;
      sessions.push(session);
      session.push('hello');
      if (req.method === 'HEAD') session.close();
    });
    try {
      const old = await rawClient(server.url, 'GET /events HTTP/1.0\r\nAccept: text/event-stream\r\n\r\n');
      await until(() => bodyOf(old.received()) === 'data: hello\n\n', 'the HTTP/1.0 event');
      assert.doesNotMatch(old.received(), /transfer-encoding/i);
      old.socket.destroy();
      const head = await rawClient(server.url, 'HEAD /events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n');
      await until(() => sessions.length === 2 && head.received().includes('\r\n\r\n'), 'the HEAD answer');
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(bodyOf(head.received()), '');
      head.socket.destroy();
    } finally {
      await server.close();
    }
  });
});

describe('shared batch and frame bytes', () => {
  it('joins the same parts into the same buffer, and frames the same chunk into the same frame', () => {
    const a = bytes('data: a\n\n');
    const b = bytes('data: b\n\n');
    const first = batchBytes([a, b], a.length + b.length);
    assert.equal(new TextDecoder().decode(first), 'data: a\n\ndata: b\n\n');
    assert.equal(batchBytes([a, b], a.length + b.length), first, 'the same parts: the same buffer');
    assert.notEqual(batchBytes([b, a], a.length + b.length), first, 'other parts: a buffer of their own');
    assert.equal(batchBytes([a], a.length), a, 'one part is passed through');
    const frame = chunkFrame(first);
    assert.equal(new TextDecoder().decode(frame), '12\r\ndata: a\n\ndata: b\n\n\r\n');
    assert.equal(chunkFrame(first), frame);
    assert.equal(new TextDecoder().decode(chunkFrame(bytes('x'.repeat(300)))).slice(0, 5), '12c\r\n');
  });
});
