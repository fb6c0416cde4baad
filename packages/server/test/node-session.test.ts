import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { encodeEvent, formatEvent, ProtocolError } from '@tidings/protocol';
import { MAX_EVENT_ID_LENGTH, ServerError, type Session } from '@tidings/server';
import { createSession, type NodeSessionOptions } from '@tidings/server/node';
import { keepAliveTimerCount } from '../src/keep-alive.ts';
import { fetchText, listen, openStream, sessionServer, until } from './helpers.ts';

describe('createSession (node:http)', () => {
  it('flushes the response head at once, before any event', async () => {
    const server = await sessionServer({});
    try {
      const stream = await openStream(server.url);
      assert.equal(stream.res.statusCode, 200);
      assert.equal(stream.res.headers['content-type'], 'text/event-stream; charset=utf-8');
      assert.equal(stream.res.headers['cache-control'], 'no-cache, no-transform');
      assert.equal(stream.res.headers['x-accel-buffering'], 'no');
      assert.equal(stream.res.headers.connection, 'keep-alive');
      assert.equal(stream.events.length, 0);
      stream.close();
    } finally {
      await server.close();
    }
  });

  it('answers 406 when Accept excludes text/event-stream, or calls onNotAcceptable', async () => {
    const plain = await sessionServer({});
    const custom = await sessionServer({
      onNotAcceptable: (_req, res) => {
        res.writeHead(302, { location: '/page.html' });
        res.end();
      },
    });
    try {
      for (const accept of ['text/html', 'application/json, text/*;q=0', 'text/event-stream;q=0, */*']) {
        const answer = await fetchText(plain.url, { headers: { accept } });
        assert.equal(answer.status, 406, accept);
        assert.match(answer.body, /Accept/);
      }
      for (const accept of ['*/*', 'text/*', 'text/html, text/event-stream;q=0.5', '']) {
        const stream = await openStream(plain.url, { accept });
        assert.equal(stream.res.statusCode, 200, accept);
        stream.close();
      }
      const redirected = await fetchText(custom.url, { headers: { accept: 'text/html' } });
      assert.equal(redirected.status, 302);
      assert.equal(redirected.headers.location, '/page.html');
      assert.equal(plain.sessions.length, 4);
      assert.equal(custom.sessions.length, 0);
    } finally {
      await plain.close();
      await custom.close();
    }
  });

  it('sends the retry hint first', async () => {
    const server = await sessionServer({ retry: 3000 }, (s) => s.push('hi'));
    try {
      const stream = await openStream(server.url);
      await stream.waitFor(() => stream.events.length === 1, 'an event');
      assert.deepEqual(stream.retries, [3000]);
      assert.ok(stream.raw.startsWith('retry: 3000\n\n'));
      stream.close();
    } finally {
      await server.close();
    }
  });

  it('pushes events, JSON, comments and pre-serialized text', async () => {
    const server = await sessionServer({}, (s) => {
      s.push('line 1\nline 2\r\nline 3', { event: 'note', id: '1' });
      s.pushJson({ price: 12.5, symbol: 'ACME' }, { event: 'price', id: '2' });
      s.comment('just a comment');
      s.write(formatEvent({ data: 'as text', id: '3' }));
      s.write(encodeEvent({ data: 'as bytes', event: 'raw', id: '4' }));
    });
    try {
      const stream = await openStream(server.url);
      await stream.waitFor(() => stream.events.length === 4, 'four events');
      assert.deepEqual(
        stream.events.map((e) => [e.event, e.data, e.lastEventId]),
        [
          ['note', 'line 1\nline 2\nline 3', '1'],
          ['price', '{"price":12.5,"symbol":"ACME"}', '2'],
          ['message', 'as text', '3'],
          ['raw', 'as bytes', '4'],
        ],
      );
      assert.deepEqual(stream.comments, ['just a comment']);
      stream.close();
    } finally {
      await server.close();
    }
  });

  it('rejects injected fields and non-JSON values with clear errors', async () => {
    const server = await sessionServer({});
    try {
      const stream = await openStream(server.url);
      const session = server.sessions[0]!;
      assert.throws(() => session.push('x', { id: '1\nevent: evil' }), ProtocolError);
      assert.throws(() => session.push('x', { event: 'a\rb' }), ProtocolError);
      assert.throws(() => session.pushJson(undefined), /JSON-serializable/);
      stream.close();
    } finally {
      await server.close();
    }
  });

  it('reads lastEventId from the Last-Event-ID header, then the lastEventId query parameter', async () => {
    const server = await sessionServer({});
    try {
      const a = await openStream(`${server.url}/?lastEventId=from-query`, { 'last-event-id': 'from-header' });
      const b = await openStream(`${server.url}/?lastEventId=from-query`);
      const c = await openStream(server.url);
      assert.deepEqual(
        server.sessions.map((s) => s.lastEventId),
        ['from-header', 'from-query', ''],
      );
      for (const s of [a, b, c]) s.close();
      // The longest id a log accepts comes back; one more character does not.
      const longest = await openStream(server.url, { 'last-event-id': 'x'.repeat(MAX_EVENT_ID_LENGTH) });
      longest.close();
      const tooLong = await fetchText(server.url, {
        headers: { 'last-event-id': 'x'.repeat(MAX_EVENT_ID_LENGTH + 1) },
      });
      assert.equal(tooLong.status, 400);
      assert.match(tooLong.body, new RegExp(`Last-Event-ID is longer than ${MAX_EVENT_ID_LENGTH}`));
      assert.equal(server.sessions.length, 4);
      // Sent as UTF-8 (as browsers do), read back as the text it was.
      const utf8 = await openStream(server.url, { 'last-event-id': Buffer.from('ü-𝄞', 'utf8').toString('latin1') });
      utf8.close();
      assert.equal(server.sessions[4]!.lastEventId, 'ü-𝄞');
      await until(() => server.sessions.every((s) => !s.connected), 'every session to close');
    } finally {
      await server.close();
    }
  });

  it('sends keep-alive comments from one shared timer, released when the sessions close', async () => {
    const before = keepAliveTimerCount();
    const server = await sessionServer({ keepAlive: 1000 }); // the shortest interval allowed
    try {
      const streams = await Promise.all([1, 2, 3, 4, 5].map(() => openStream(server.url)));
      assert.equal(keepAliveTimerCount(), before + 1);
      for (const s of streams) await s.waitFor(() => s.comments.length >= 2, 'two keep-alives');
      for (const s of streams) s.close();
      await until(() => server.sessions.every((s) => !s.connected), 'sessions to close');
      assert.equal(keepAliveTimerCount(), before);
    } finally {
      await server.close();
    }
  });

  it('sends no keep-alive when keepAlive is null', async () => {
    const server = await sessionServer({ keepAlive: null });
    try {
      const stream = await openStream(server.url);
      const session = server.sessions[0]!;
      // A keep-alive group for a null interval would show as a timer.
      assert.equal(keepAliveTimerCount(), 0);
      session.push('done');
      await stream.waitFor(() => stream.events.length === 1, 'an event');
      assert.deepEqual(stream.comments, []);
      stream.close();
    } finally {
      await server.close();
    }
  });

  it('aborts the signal and calls onClose when the client leaves; later writes are ignored', async () => {
    const server = await sessionServer({});
    try {
      const stream = await openStream(server.url);
      const session = server.sessions[0]!;
      let closed = 0;
      session.onClose(() => closed++);
      assert.equal(session.connected, true);
      stream.close();
      await once(session.signal, 'abort');
      assert.equal(session.connected, false);
      assert.equal(closed, 1);
      assert.ok(session.signal.reason instanceof ServerError);
      assert.equal(session.signal.reason.code, 'CLIENT_GONE');
      session.push('after');
      session.pushJson({ after: true });
      session.comment('after');
      session.write('data: after\n\n');
      session.close();
      assert.equal(closed, 1);
      let lateListener = 0;
      session.onClose(() => lateListener++);
      assert.equal(lateListener, 1);
    } finally {
      await server.close();
    }
  });

  it('close() ends the response after what was written', async () => {
    const server = await sessionServer({}, (s) => {
      s.push('last words');
      s.close();
    });
    try {
      const stream = await openStream(server.url);
      await stream.ended;
      assert.deepEqual(
        stream.events.map((e) => e.data),
        ['last words'],
      );
      const session = server.sessions[0]!;
      assert.equal(session.signal.reason.code, 'SESSION_CLOSED');
    } finally {
      await server.close();
    }
  });

  it('coalesces writes of one tick into one HTTP chunk', async () => {
    let session: Session | null = null;
    const server = await sessionServer({ keepAlive: null }, (s) => {
      session = s;
    });
    try {
      const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
      socket.setEncoding('utf8');
      let raw = '';
      socket.on('data', (chunk: string) => {
        raw += chunk;
      });
      socket.write('GET / HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n');
      await until(() => raw.includes('\r\n\r\n') && session !== null, 'the response head');
      const s = session as unknown as Session;
      s.push('a');
      s.push('b');
      s.push('c');
      const body = 'data: a\n\ndata: b\n\ndata: c\n\n';
      await until(() => raw.includes('data: c'), 'the events');
      // One chunk: its size line, then all three events together.
      assert.ok(raw.includes(`${body.length.toString(16)}\r\n${body}\r\n`), JSON.stringify(raw));
      socket.destroy();
    } finally {
      await server.close();
    }
  });

  it('validates options with a TypeError that says how to fix them', async () => {
    const server = await listen((req, res) => {
      const bad = [
        { retry: -1 },
        { keepAlive: 0 },
        { keepAlive: 15 },
        { keepAlive: 0.03 },
        { maxBufferedBytes: 0 },
        { slowClient: 'ignore' },
        { cors: { origins: '*', credentials: true } },
        { cors: { origins: ['https://a.example/path'] } },
        { cors: { origins: '*', maxAge: 600 } },
        { polling: { linger: -5 } },
        { headers: { x: 1 } },
      ] as unknown as NodeSessionOptions[];
      const messages = bad.map((options) => {
        try {
          createSession(req, res, options);
          return 'no error';
        } catch (error) {
          return error instanceof TypeError ? error.message : `not a TypeError: ${error}`;
        }
      });
      res.end(JSON.stringify(messages));
    });
    try {
      const answer = await fetchText(server.url);
      const messages = JSON.parse(answer.body) as string[];
      assert.equal(messages.length, 11);
      for (const message of messages) assert.match(message, /must|cannot/);
      // Durations are milliseconds: 0 names the null that turns keep-alive off; seconds by habit are caught.
      assert.match(messages[1]!, /keepAlive must not be 0: pass null/);
      assert.match(messages[2]!, /keepAlive must be a whole number of milliseconds from 1000 .*15000 is 15 s/);
      assert.match(messages[3]!, /keepAlive must be a whole number of milliseconds/);
      assert.match(messages[8]!, /cors.maxAge must be a whole number of milliseconds, a multiple of 1000/);
    } finally {
      await server.close();
    }
  });
});
