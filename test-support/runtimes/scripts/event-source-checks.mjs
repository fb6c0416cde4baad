// (b) and (c): @tidings/client, built, in this runtime, against the Node test's SSE server (sse-server.ts).
import { EventSource, iterate } from '../../../packages/client/dist/index.js';

/** Asks the server whether it saw the client's connection to `stream` close (it waits a little for it). */
async function serverSawClose(base, client, stream) {
  const response = await fetch(`${base}/closed?client=${client}&stream=${stream}`);
  return (await response.json()).closed;
}

/**
 * (b) The standard EventSource: open, a message, a named event, lastEventId; the server ends the stream
 * (after `retry: 100`), the client reconnects with Last-Event-ID and gets a final event naming the id the
 * server received; close() from inside that handler ends the connection.
 */
export async function checkEventSource(base, client) {
  const log = [];
  const source = new EventSource(`${base}/events?client=${client}`);
  const record = (event) =>
    log.push({ type: event.type, data: event.data, lastEventId: event.lastEventId, origin: event.origin });
  await new Promise((resolve) => {
    source.onopen = () => log.push({ type: 'open', readyState: source.readyState });
    source.onmessage = record;
    source.addEventListener('greeting', record);
    source.onerror = (event) => log.push({ type: 'error', code: event.code, readyState: source.readyState });
    source.addEventListener('final', (event) => {
      record(event);
      source.close();
      resolve();
    });
  });
  const origin = new URL(base).origin;
  return {
    actual: {
      log,
      readyStateAfterClose: source.readyState,
      constants: [EventSource.CONNECTING, EventSource.OPEN, EventSource.CLOSED],
      serverSawClose: await serverSawClose(base, client, 'events'),
    },
    expected: {
      log: [
        { type: 'open', readyState: 1 },
        { type: 'message', data: 'hello', lastEventId: '1', origin },
        { type: 'greeting', data: 'named', lastEventId: '2', origin },
        { type: 'error', code: 'STREAM_ENDED', readyState: 0 },
        { type: 'open', readyState: 1 },
        { type: 'final', data: 'resumed after 2', lastEventId: '3', origin },
      ],
      readyStateAfterClose: 2,
      constants: [0, 1, 2],
      serverSawClose: true,
    },
  };
}

/** (c) iterate(): three events (one named) read in a for-await loop, which ends when the signal aborts. */
export async function checkIterate(base, client) {
  const controller = new AbortController();
  const events = [];
  for await (const event of iterate(`${base}/three?client=${client}`, { signal: controller.signal })) {
    events.push({ type: event.type, data: event.data, lastEventId: event.lastEventId });
    if (events.length === 3) controller.abort();
  }
  return {
    actual: { events, loopEnded: true, serverSawClose: await serverSawClose(base, client, 'three') },
    expected: {
      events: [
        { type: 'message', data: 'one', lastEventId: 'a' },
        { type: 'tick', data: 'two', lastEventId: 'b' },
        { type: 'message', data: 'three', lastEventId: 'c' },
      ],
      loopEnded: true,
      serverSawClose: true,
    },
  };
}
