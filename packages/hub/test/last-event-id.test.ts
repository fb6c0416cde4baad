// Last-Event-ID is read and checked once, by @tidings/server's readLastEventId, before history is read:
// the limit is the server's MAX_EVENT_ID_LENGTH for the header and both Mercure query parameters alike.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createHub } from '@tidings/hub';
import { MAX_EVENT_ID_LENGTH } from '@tidings/server';

test('an id of MAX_EVENT_ID_LENGTH opens the stream (replay from earliest); one longer is a 400', async () => {
  const hub = createHub({ log: null, anonymous: true });
  const server = createServer(hub.listener).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/mercure?topic=a`;
  try {
    const longest = 'x'.repeat(MAX_EVENT_ID_LENGTH);
    const abort = new AbortController();
    const open = await fetch(base, { headers: { 'last-event-id': longest }, signal: abort.signal });
    assert.equal(open.status, 200);
    // Unknown to the log: replay starts at the earliest update, and the hub says so.
    assert.equal(open.headers.get('last-event-id'), 'earliest');
    abort.abort();
    const tooLong = `${longest}x`;
    for (const [query, headers] of [
      ['', { 'last-event-id': tooLong }],
      [`&lastEventID=${tooLong}`, {}],
      [`&last_event_id=${tooLong}`, {}],
    ] as [string, Record<string, string>][]) {
      const refused = await fetch(base + query, { headers });
      assert.equal(refused.status, 400);
      assert.match(await refused.text(), new RegExp(`longer than ${MAX_EVENT_ID_LENGTH} characters`));
    }
  } finally {
    server.closeAllConnections();
    server.close();
    await hub.close();
  }
});
