// Behaviours the web-platform-tests eventsource/ directory checks that no other test file here checks
// with the same kind of input. Each test names the WPT file whose behaviour it mirrors; the tests
// themselves are written from the standard, with a node:http server in place of the WPT handler.
// WPT-COVERAGE.md maps every WPT file to the test here or elsewhere that covers it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EventSource } from '../src/index.ts';
import { logEvents } from './support/event-log.ts';
import { FakeTimers } from './support/fake-timers.ts';
import { data, streamOnce } from './support/stream-once.ts';
import { EVENT_STREAM, respond, startServer } from './support/test-server.ts';
import { settle, waitFor } from './support/wait.ts';
import { withSource } from './support/with-source.ts';

describe('failing the connection', () => {
  // Mirrors eventsource-constructor-non-same-origin.window.js: a URL that fetch can never load is a
  // network error that reconnecting cannot cure, so the standard lets the client fail at once.
  for (const url of ['ftp://example.invalid/', 'about:blank', 'mailto:someone@example.invalid', 'javascript:void 0']) {
    test(`${url}: one error event, readyState CLOSED, no reconnection`, async () => {
      const timers = new FakeTimers();
      const source = new EventSource(url, { timers });
      try {
        const logged = logEvents(source);
        await waitFor(() => logged.errors.length > 0, 'the error event');
        await settle();
        assert.deepEqual(logged.log, ['error:NETWORK_ERROR:CLOSED']);
        assert.equal(Object.hasOwn(logged.errors[0] as object, 'data'), false);
        assert.equal(timers.pending.length, 0);
      } finally {
        source.close();
      }
    });
  }

  // Mirrors format-mime-valid-bogus.htm: a well-formed MIME type that is not text/event-stream.
  test('Content-Type text/x-bogus: a plain error event (no data, no bubbling), CLOSED, no message', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/x-bogus' });
      res.end('data: data\n\n');
    });
    await withSource(server, undefined, async (source) => {
      const logged = logEvents(source);
      await waitFor(() => logged.errors.length > 0, 'the error event');
      await settle();
      const error = logged.errors[0] as Event;
      assert.deepEqual(logged.log, ['error:CONTENT_TYPE:CLOSED']);
      assert.equal(Object.hasOwn(error, 'data'), false);
      assert.equal(error.bubbles, false);
      assert.equal(error.cancelable, false);
      assert.equal(server.requests.length, 1);
    });
  });

  // Mirrors request-status-error.htm: these statuses (with an event-stream body where one is allowed)
  // fail the connection; no message is dispatched from the body.
  for (const status of [204, 205, 210, 299, 404, 410, 503]) {
    test(`HTTP ${status}: CLOSED in the error handler, no message`, async () => {
      const server = await startServer((_req, res) => {
        res.writeHead(status, EVENT_STREAM);
        res.end(status === 204 || status === 205 ? '' : 'data: data\n\n');
      });
      await withSource(server, undefined, async (source) => {
        const states: number[] = [];
        const logged = logEvents(source);
        source.onerror = () => states.push(source.readyState);
        await waitFor(() => states.length > 0, 'the error event');
        await settle();
        assert.deepEqual(states, [EventSource.CLOSED]);
        assert.equal(logged.messages.length, 0);
      });
    });
  }
});

describe('reconnection sequences', () => {
  // Mirrors eventsource-close.js ("test events") with resources/reconnect-fail.py: open, end,
  // reconnect, end, then a 204 ends it all. The handler keys its state on a cookie; a request counter
  // plays that part here.
  test('message, error (CONNECTING), message, error (CONNECTING), then 204: error (CLOSED) and nothing more', async () => {
    const server = await startServer((_req, res, index) => {
      if (index === 0) {
        respond(res, 'retry: 2\ndata: opened\n\n');
      } else if (index === 1) {
        respond(res, 'data: reconnected\n\n');
      } else {
        res.writeHead(204, EVENT_STREAM);
        res.end();
      }
    });
    await withSource(server, undefined, async (source) => {
      const logged = logEvents(source);
      await waitFor(() => source.readyState === EventSource.CLOSED, 'CLOSED');
      await settle();
      assert.deepEqual(logged.log, [
        'open:OPEN',
        'message:opened',
        'error:STREAM_ENDED:CONNECTING',
        'open:OPEN',
        'message:reconnected',
        'error:STREAM_ENDED:CONNECTING',
        'error:NO_CONTENT:CLOSED',
      ]);
      assert.equal(server.requests.length, 3);
    });
  });

  // Mirrors format-field-retry.htm: "02000" is ASCII digits, so 2000 ms (not octal 1024).
  // Mirrors format-field-retry-bogus.htm: a later "1000x" is not digits only and leaves 2000 in place.
  for (const [body, name] of [
    ['retry:02000\ndata:x\n\n', 'a leading zero is still decimal'],
    ['retry:2000\nretry:1000x\ndata:x\n\n', 'a bogus value after a good one is ignored'],
  ] as const) {
    test(`retry: ${name}: the next connection waits 2000 ms`, async () => {
      const timers = new FakeTimers();
      const server = await startServer((_req, res) => respond(res, body));
      await withSource(server, { timers }, async () => {
        await waitFor(() => timers.pending.length === 1, 'the reconnection timer');
        assert.deepEqual(timers.scheduled, [2000]);
        timers.fireNext();
        await waitFor(() => server.requests.length === 2, 'the second request');
      });
    });
  }

  // Mirrors format-field-id-null.htm with resources/last-event-id.py?idvalue=%00%00: an id with NUL
  // is ignored, so lastEventId stays empty and the reconnection carries no Last-Event-ID.
  test('an id made of NUL characters is ignored: lastEventId "" and no Last-Event-ID on reconnection', async () => {
    const server = await startServer((req, res) => {
      const id = req.headers['last-event-id'];
      respond(res, id === undefined ? 'id: \u0000\u0000\nretry: 0\ndata: hello\n\n' : `data: ${id}\n\n`);
    });
    await withSource(server, undefined, async (source) => {
      const logged = logEvents(source);
      await waitFor(() => logged.messages.length >= 2, 'two messages');
      source.close();
      assert.deepEqual(
        logged.messages.slice(0, 2).map((event) => [event.data, event.lastEventId]),
        [
          ['hello', ''],
          ['hello', ''],
        ],
      );
      assert.equal(server.requests[1]?.headers['last-event-id'], undefined);
    });
  });
});

describe('parsing', () => {
  // Mirrors format-comments.js: comments (one holding NUL, two of 2 KiB) between data lines, with CR,
  // LF and CRLF line ends mixed, make one event whose data is the four data lines.
  test('comments of every kind between data lines, with mixed line ends', async () => {
    const long = 'x'.repeat(2048);
    const body = `data:1\r:\u0000\n:\r\ndata:2\n:${long}\rdata:3\n:data:fail\r:${long}\ndata:4\n\n`;
    assert.deepEqual(data(await streamOnce(body)), ['1\n2\n3\n4']);
  });
});

describe('the interface', () => {
  // Mirrors eventsource-onopen.js and eventsource-constructor-url-multi-window.htm (the checks on the
  // event): a plain open event, fired with readyState OPEN.
  test('open is a plain Event: readyState OPEN, no data, does not bubble, not cancelable', async () => {
    const server = await startServer((_req, res) => respond(res, 'data: data\n\n'));
    await withSource(server, undefined, async (source) => {
      const seen = await new Promise<{ event: Event; state: number }>((resolve) => {
        source.onopen = (event) => resolve({ event, state: source.readyState });
      });
      assert.equal(seen.state, EventSource.OPEN);
      assert.equal(Object.hasOwn(seen.event, 'data'), false);
      assert.equal(seen.event.bubbles, false);
      assert.equal(seen.event.cancelable, false);
    });
  });

  // Mirrors eventsource-prototype.any.js: instances get what is added to EventSource.prototype.
  test('a method added to EventSource.prototype is found on instances', async () => {
    const server = await startServer((_req, res) => respond(res, ''));
    const proto = EventSource.prototype as unknown as Record<string, unknown>;
    proto.answerForTest = () => 42;
    const source = new EventSource(server.url());
    try {
      assert.equal((source as unknown as { answerForTest(): number }).answerForTest(), 42);
    } finally {
      source.close();
      delete proto.answerForTest;
      await server.close();
    }
  });
});
