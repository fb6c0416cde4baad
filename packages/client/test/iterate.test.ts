// iterate(): every event as an async iterator, ending on abort, break, or a final end of stream, and
// throwing an EventSourceError when the connection fails for good.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EventSourceError, type EventSourceErrorEvent, iterate } from '../src/index.ts';
import { EVENT_STREAM, startServer } from './support/test-server.ts';

describe('iterate', () => {
  test('yields every event, named ones too, across a reconnection with Last-Event-ID', async () => {
    const server = await startServer((req, res, index) => {
      res.writeHead(200, EVENT_STREAM);
      if (index === 0) res.end('retry: 1\nid: 1\ndata: a\n\nevent: tick\nid: 2\ndata: b\n\n');
      else res.write(`data: resumed after ${req.headers['last-event-id']}\n\n`);
    });
    const seen: string[] = [];
    let opens = 0;
    const errors: EventSourceErrorEvent[] = [];
    try {
      for await (const event of iterate(server.url(), { onOpen: () => opens++, onError: (e) => errors.push(e) })) {
        seen.push(`${event.type}:${event.data}:${event.lastEventId}`);
        if (seen.length === 3) break;
      }
      assert.deepEqual(seen, ['message:a:1', 'tick:b:2', 'message:resumed after 2:2']);
      assert.equal(opens, 2);
      assert.deepEqual(
        errors.map((e) => e.code),
        ['STREAM_ENDED'],
      );
      await server.requests[1]?.closed; // break closed the stream
    } finally {
      await server.close();
    }
  });

  test('ends cleanly when the signal aborts while it waits', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, EVENT_STREAM);
      res.write('data: only\n\n');
    });
    const controller = new AbortController();
    const seen: string[] = [];
    try {
      for await (const event of iterate(server.url(), { signal: controller.signal })) {
        seen.push(event.data);
        setImmediate(() => controller.abort());
      }
      assert.deepEqual(seen, ['only']);
      await server.requests[0]?.closed;
    } finally {
      await server.close();
    }
  });

  test('an already aborted signal yields nothing', async () => {
    const events = [];
    for await (const event of iterate('http://127.0.0.1:9/', { signal: AbortSignal.abort() })) events.push(event);
    assert.equal(events.length, 0);
  });

  test('with reconnect: null, the end of the stream ends the loop (a POST stream such as an LLM API)', async () => {
    const server = await startServer((req, res) => {
      const { prompt } = JSON.parse(req.body) as { prompt: string };
      res.writeHead(200, EVENT_STREAM);
      for (const word of prompt.split(' ')) res.write(`event: token\ndata: ${JSON.stringify({ word })}\n\n`);
      res.end('event: done\ndata: {}\n\n');
    });
    const words: string[] = [];
    try {
      for await (const event of iterate(server.url('/v1/complete'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
        body: JSON.stringify({ prompt: 'streams of words arrive' }),
        reconnect: null,
      })) {
        if (event.type === 'token') words.push((JSON.parse(event.data) as { word: string }).word);
      }
      assert.deepEqual(words, ['streams', 'of', 'words', 'arrive']);
      assert.equal(server.requests.length, 1);
      assert.equal(server.requests[0]?.method, 'POST');
    } finally {
      await server.close();
    }
  });

  test('a 401 throws an EventSourceError with code HTTP_STATUS and status 401', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(401, { 'content-type': 'text/plain' });
      res.end('no');
    });
    try {
      await assert.rejects(
        async () => {
          for await (const _ of iterate(server.url())) assert.fail('no event expected');
        },
        (error: unknown) => {
          assert.ok(error instanceof EventSourceError);
          assert.equal(error.code, 'HTTP_STATUS');
          assert.equal(error.status, 401);
          assert.equal(error.name, 'EventSourceError');
          return true;
        },
      );
    } finally {
      await server.close();
    }
  });

  test('a network error with reconnection given up throws NETWORK_ERROR', async () => {
    const server = await startServer((_req, res) => res.socket?.destroy());
    try {
      await assert.rejects(
        async () => {
          for await (const _ of iterate(server.url(), { reconnect: { maxAttempts: 0 } })) assert.fail('no event');
        },
        { name: 'EventSourceError', code: 'NETWORK_ERROR', status: null },
      );
    } finally {
      await server.close();
    }
  });

  test('a consumer that falls behind holds the stream back (bounded in events and bytes), then gets every event in order', async () => {
    const chunk = 'x'.repeat(64 * 1024);
    const total = 3_000; // about 200 MB if the client read on regardless
    let written = 0;
    let finished = false;
    const server = await startServer((_req, res) => {
      res.writeHead(200, EVENT_STREAM);
      const pump = () => {
        while (written < total) {
          if (!res.write(`id: ${written++}\ndata: ${chunk}\n\n`)) return void res.once('drain', pump);
        }
        finished = true;
        res.end();
      };
      pump();
    });
    try {
      for (const options of [{ maxQueuedBytes: 256 * 1024 }, { maxQueuedEvents: 4 }]) {
        written = 0;
        finished = false;
        const events = iterate(server.url(), { ...options, reconnect: null });
        const first = await events.next(); // the loop body is now "busy": nothing more is taken for a while
        await new Promise((resolve) => setTimeout(resolve, 500));
        assert.ok(!finished && written < total / 4, `${JSON.stringify(options)}: the server wrote ${written} events`);
        let count = 1;
        let last = Number(first.value!.lastEventId);
        for await (const event of events) {
          assert.equal(Number(event.lastEventId), last + 1, 'in order, none lost');
          last++;
          count++;
        }
        assert.equal(count, total);
      }
    } finally {
      await server.close();
    }
  });

  test('two next() calls waiting at once both get an event', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, EVENT_STREAM);
      setTimeout(() => res.write('data: 1\n\ndata: 2\n\n'), 20);
    });
    const events = iterate(server.url());
    try {
      const [first, second] = await Promise.all([events.next(), events.next()]);
      assert.deepEqual([first.value?.data, second.value?.data], ['1', '2']);
      assert.deepEqual(await events.return?.(), { value: undefined, done: true });
      assert.deepEqual(await events.next(), { value: undefined, done: true });
    } finally {
      await events.return?.();
      await server.close();
    }
  });

  test('bad options are a TypeError at the call', () => {
    assert.throws(
      () => iterate('http://127.0.0.1:9/', { maxQueuedEvents: 0 }),
      /maxQueuedEvents must be a positive integer/,
    );
    assert.throws(
      () => iterate('http://127.0.0.1:9/', { maxQueuedBytes: 1.5 }),
      /maxQueuedBytes must be a positive integer/,
    );
    assert.throws(() => iterate('http://127.0.0.1:9/', { onError: 'x' as never }), /onError must be a function/);
    assert.throws(() => iterate('/relative'), { name: 'SyntaxError' });
  });
});
