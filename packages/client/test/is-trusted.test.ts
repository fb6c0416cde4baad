// isTrusted: the events the EventSource fires itself (open, message and named events, error) are
// dispatched by the user agent, so they are trusted (WPT eventsource-onmessage-trusted.any.js checks
// it for message events); an event a script creates, or dispatches with dispatchEvent(), is not
// (WHATWG DOM: dispatchEvent() initializes isTrusted to false).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EventSource, EventSourceErrorEvent, iterate } from '../src/index.ts';
import { respond, startServer } from './support/test-server.ts';
import { waitFor } from './support/wait.ts';
import { withSource } from './support/with-source.ts';

/** Opens a source on a stream of one message, one named event and a line over the limit, then its end. */
async function firedEvents(check: (events: Event[], source: EventSource) => void | Promise<void>): Promise<void> {
  const server = await startServer((_req, res) =>
    respond(res, `data: a\n\nevent: tick\ndata: b\n\ndata: ${'x'.repeat(64)}\n\n`),
  );
  await withSource(server, { reconnect: null, maxLineLength: 32 }, async (source) => {
    const events: Event[] = [];
    const record = (event: Event) => events.push(event);
    for (const type of ['open', 'message', 'tick', 'error']) source.addEventListener(type, record);
    await waitFor(() => source.readyState === EventSource.CLOSED, 'the end of the stream');
    await check(events, source);
  });
}

describe('events the EventSource fires', () => {
  test('open, message, a named event and error (a parser limit and the end) are trusted', async () => {
    await firedEvents((events) => {
      assert.deepEqual(
        events.map((event) => [event.type, event.isTrusted]),
        [
          ['open', true],
          ['message', true],
          ['tick', true],
          ['error', true], // LINE_TOO_LONG
          ['error', true], // STREAM_ENDED, CLOSED
        ],
      );
    });
  });

  test('the onmessage handler sees a trusted event (WPT eventsource-onmessage-trusted.any.js)', async () => {
    const server = await startServer((_req, res) => respond(res, 'data: data\n\n'));
    await withSource(server, undefined, async (source) => {
      const trusted = await new Promise<boolean>((resolve) => {
        source.onmessage = (event) => resolve(event.isTrusted);
      });
      assert.equal(trusted, true);
    });
  });

  test('iterate() yields trusted events', async () => {
    const server = await startServer((_req, res) => respond(res, 'data: a\n\nevent: tick\ndata: b\n\n'));
    const seen: [string, boolean][] = [];
    try {
      for await (const event of iterate(server.url(), { reconnect: null })) seen.push([event.type, event.isTrusted]);
    } finally {
      await server.close();
    }
    assert.deepEqual(seen, [
      ['message', true],
      ['tick', true],
    ]);
  });

  test('isTrusted is an own, non-configurable getter ([LegacyUnforgeable]) that cannot be moved to another event', async () => {
    await firedEvents((events) => {
      const event = events[1] as MessageEvent;
      const descriptor = Object.getOwnPropertyDescriptor(event, 'isTrusted');
      assert.equal(typeof descriptor?.get, 'function');
      assert.equal(descriptor?.set, undefined);
      assert.equal(descriptor?.configurable, false);
      assert.equal(descriptor?.enumerable, true);
      assert.throws(() => Object.defineProperty(event, 'isTrusted', { value: false }), TypeError);
      // the getter answers for the events the EventSource fired, not for whatever it is called on
      const forged = new MessageEvent('message', { data: 'forged' });
      assert.equal(descriptor?.get?.call(forged), false);
      Object.defineProperty(forged, 'isTrusted', descriptor as PropertyDescriptor);
      assert.equal(forged.isTrusted, false);
      // and the events are still the platform's, with its prototype
      assert.equal(Object.getPrototypeOf(event), MessageEvent.prototype);
    });
  });
});

describe('events a script dispatches', () => {
  test('an Event, a MessageEvent or an EventSourceErrorEvent a script creates is not trusted, on the source too', async () => {
    await firedEvents((_events, source) => {
      const seen: [string, boolean][] = [];
      const record = (event: Event) => seen.push([event.constructor.name, event.isTrusted]);
      source.addEventListener('message', record);
      source.addEventListener('error', record);
      source.dispatchEvent(new Event('message'));
      source.dispatchEvent(new MessageEvent('message', { data: 'from script' }));
      source.dispatchEvent(new EventSourceErrorEvent({ code: 'NETWORK_ERROR', message: 'from script' }));
      assert.deepEqual(seen, [
        ['Event', false],
        ['MessageEvent', false],
        ['EventSourceErrorEvent', false],
      ]);
    });
  });

  test('a trusted event that a script dispatches again is no longer trusted, on the source or elsewhere', async () => {
    await firedEvents((events, source) => {
      const [open, message] = events as [Event, MessageEvent];
      const seen: boolean[] = [];
      source.addEventListener('open', (event) => seen.push(event.isTrusted));
      source.dispatchEvent(open);
      const elsewhere = new EventTarget();
      elsewhere.addEventListener('message', (event) => seen.push(event.isTrusted));
      elsewhere.dispatchEvent(message);
      assert.deepEqual(seen, [false, false]);
      assert.equal(open.isTrusted, false);
      assert.equal(message.isTrusted, false);
    });
  });
});
