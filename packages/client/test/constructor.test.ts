// The EventSource interface itself: constructor, attributes, constants, handlers, option validation.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EventSource } from '../src/index.ts';
import { startServer, type TestServer } from './support/test-server.ts';
import { waitFor } from './support/wait.ts';

let server: TestServer;
before(async () => {
  // Holds every stream open, so a source stays OPEN until the test closes it.
  server = await startServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(':\n');
  });
});
after(() => server.close());

describe('constructor', () => {
  test('a URL that cannot be parsed throws a SyntaxError DOMException', () => {
    assert.throws(
      () => new EventSource('http://this is invalid'),
      (error: unknown) => error instanceof DOMException && error.name === 'SyntaxError',
    );
  });

  test('a relative URL throws SyntaxError outside a browser (no document base URL)', () => {
    for (const url of ['/stream', 'stream', '']) {
      assert.throws(
        () => new EventSource(url),
        (error: unknown) => error instanceof DOMException && error.name === 'SyntaxError',
      );
    }
  });

  test('the SyntaxError message does not repeat the URL (it may carry a token)', () => {
    assert.throws(
      () => new EventSource('/stream?token=secret-value'),
      (error: unknown) => error instanceof Error && !error.message.includes('secret-value'),
    );
  });

  test('no argument at all is a TypeError', () => {
    // @ts-expect-error: the call the WebIDL rules forbid
    assert.throws(() => new EventSource(), TypeError);
  });

  test('the url argument is stringified, and url is the absolute serialized URL', () => {
    const source = new EventSource({ toString: () => `${server.origin}/a/../b?x=1#frag` } as unknown as string);
    try {
      assert.equal(source.url, `${server.origin}/b?x=1#frag`);
    } finally {
      source.close();
    }
    const fromUrl = new EventSource(new URL('/c', server.origin));
    fromUrl.close();
    assert.equal(fromUrl.url, `${server.origin}/c`);
  });

  test('withCredentials defaults to false and converts any value to a boolean', () => {
    const plain = new EventSource(server.url());
    const withCredentials = new EventSource(server.url(), { withCredentials: 1 as unknown as boolean });
    plain.close();
    withCredentials.close();
    assert.equal(plain.withCredentials, false);
    assert.equal(withCredentials.withCredentials, true);
  });

  test('readyState starts CONNECTING, becomes OPEN, and CLOSED after close()', async () => {
    const source = new EventSource(server.url());
    assert.equal(source.readyState, EventSource.CONNECTING);
    await waitFor(() => source.readyState === EventSource.OPEN, 'OPEN');
    source.close();
    assert.equal(source.readyState, EventSource.CLOSED);
    source.close(); // closing twice is harmless
    assert.equal(source.readyState, EventSource.CLOSED);
  });

  test('url, readyState and withCredentials are read-only', () => {
    const source = new EventSource(server.url());
    source.close();
    assert.throws(() => {
      (source as unknown as { readyState: number }).readyState = 1;
    }, TypeError);
    assert.throws(() => {
      (source as unknown as { url: string }).url = 'x';
    }, TypeError);
    assert.equal(source.readyState, 2);
  });
});

describe('interface', () => {
  test('the constants are 0, 1 and 2 on the constructor and on instances, and read-only', () => {
    const source = new EventSource(server.url());
    source.close();
    for (const holder of [EventSource, EventSource.prototype, source] as const) {
      assert.equal(holder.CONNECTING, 0);
      assert.equal(holder.OPEN, 1);
      assert.equal(holder.CLOSED, 2);
    }
    assert.throws(() => {
      (EventSource as unknown as { OPEN: number }).OPEN = 5;
    }, TypeError);
    assert.equal(EventSource.OPEN, 1);
  });

  test('it is an EventTarget and says EventSource in toString', () => {
    const source = new EventSource(server.url());
    source.close();
    assert.ok(source instanceof EventTarget);
    assert.equal(Object.prototype.toString.call(source), '[object EventSource]');
  });

  test('onopen/onmessage/onerror start null, keep what is set, and null removes the handler', async () => {
    const source = new EventSource(server.url());
    try {
      assert.equal(source.onopen, null);
      assert.equal(source.onmessage, null);
      assert.equal(source.onerror, null);
      const calls: string[] = [];
      const handler = () => calls.push('handler');
      source.onmessage = handler;
      assert.equal(source.onmessage, handler);
      source.dispatchEvent(new MessageEvent('message', { data: 'x' }));
      source.onmessage = null;
      source.dispatchEvent(new MessageEvent('message', { data: 'y' }));
      assert.deepEqual(calls, ['handler']);
      source.onerror = 'not a function' as unknown as null;
      assert.equal(source.onerror, null);
    } finally {
      source.close();
    }
  });

  test('a handler keeps its place among listeners when replaced, and gets this = the source', () => {
    const source = new EventSource(server.url());
    source.close();
    const order: string[] = [];
    source.addEventListener('message', () => order.push('first listener'));
    source.onmessage = () => order.push('old handler');
    source.addEventListener('message', () => order.push('last listener'));
    let seenThis: unknown;
    source.onmessage = function (this: EventSource) {
      seenThis = this;
      order.push('new handler');
    };
    source.dispatchEvent(new MessageEvent('message'));
    assert.deepEqual(order, ['first listener', 'new handler', 'last listener']);
    assert.equal(seenThis, source);
  });
});

describe('option validation', () => {
  const url = 'http://127.0.0.1:9/';
  const cases: [string, unknown, RegExp][] = [
    ['a string as options', 'x', /options must be an object/],
    ['fetch not a function', { fetch: 1 }, /options\.fetch must be a function/],
    ['headers a number', { headers: 5 }, /options\.headers must be/],
    ['a method with a space', { method: 'GET X' }, /options\.method must be an HTTP method/],
    ['a body with GET', { body: 'x' }, /needs a method that takes a body/],
    ['a stream body', { method: 'POST', body: new ReadableStream() }, /not a stream/],
    ['lastEventId with LF', { lastEventId: 'a\nb' }, /lastEventId must be a string without NUL, CR or LF/],
    ['idleTimeout 0', { idleTimeout: 0 }, /idleTimeout must be a positive number/],
    ['idleTimeout NaN', { idleTimeout: Number.NaN }, /idleTimeout must be a positive number/],
    ['signal not a signal', { signal: {} }, /signal must be an AbortSignal/],
    ['timers without clearTimeout', { timers: { setTimeout() {} } }, /timers must have/],
    ['reconnect a number', { reconnect: 3 }, /reconnect must be an object/],
    ['reconnect.jitter 2', { reconnect: { jitter: 2 } }, /reconnect\.jitter must be between 0 and 1/],
    ['reconnect.factor 0.5', { reconnect: { factor: 0.5 } }, /reconnect\.factor must be a number >= 1/],
    ['reconnect.maxDelay -1', { reconnect: { maxDelay: -1 } }, /reconnect\.maxDelay must be a number >= 0/],
    ['reconnect.maxAttempts 1.5', { reconnect: { maxAttempts: 1.5 } }, /maxAttempts must be an integer/],
    ['reconnect.shouldReconnect 1', { reconnect: { shouldReconnect: 1 } }, /shouldReconnect must be a function/],
    ['maxLineLength 0', { maxLineLength: 0 }, /maxLineLength must be a positive integer/],
  ];
  for (const [name, options, message] of cases) {
    test(`${name} is a TypeError that says how to fix it`, () => {
      assert.throws(
        () => new EventSource(url, options as never),
        (error: unknown) => {
          assert.ok(error instanceof TypeError, `expected TypeError, got ${String(error)}`);
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }
});
