// Last-Event-ID is read and checked in one place, readLastEventId; a session takes an id already read.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_EVENT_ID_LENGTH, readLastEventId } from '@tidings/server';
import { createFetchSession } from '@tidings/server/fetch';

test('readLastEventId: the header wins, then the query parameters in order, else empty', () => {
  const query = new URLSearchParams('lastEventID=a&last_event_id=b&lastEventId=c');
  assert.equal(readLastEventId('h', query), 'h');
  assert.equal(readLastEventId(null, query), 'c');
  assert.equal(readLastEventId(undefined, query, ['lastEventID', 'last_event_id']), 'a');
  assert.equal(
    readLastEventId(undefined, new URLSearchParams('last_event_id=b'), ['lastEventID', 'last_event_id']),
    'b',
  );
  assert.equal(readLastEventId(null, new URLSearchParams()), '');
  // Node and Fetch hand the header's UTF-8 bytes over as Latin-1.
  assert.equal(readLastEventId('\u00c3\u00bc', new URLSearchParams()), 'ü');
});

test('readLastEventId: null past MAX_EVENT_ID_LENGTH, the one limit', () => {
  assert.equal(readLastEventId('x'.repeat(MAX_EVENT_ID_LENGTH), new URLSearchParams())?.length, MAX_EVENT_ID_LENGTH);
  assert.equal(readLastEventId('x'.repeat(MAX_EVENT_ID_LENGTH + 1), new URLSearchParams()), null);
  assert.equal(readLastEventId(null, new URLSearchParams({ lastEventId: 'x'.repeat(MAX_EVENT_ID_LENGTH + 1) })), null);
});

test('a session takes the lastEventId option instead of reading the request again', () => {
  const request = new Request('http://localhost/events', {
    headers: { accept: 'text/event-stream', 'last-event-id': 'x'.repeat(MAX_EVENT_ID_LENGTH + 1) },
  });
  // The application read it already (here its own way, as a hub with its protocol's parameter names does).
  const { session, response } = createFetchSession(request, { lastEventId: 'read-before' });
  assert.equal(response.status, 200);
  assert.equal(session?.lastEventId, 'read-before');
  session?.close();
  assert.throws(
    () => createFetchSession(request, { lastEventId: 'x'.repeat(MAX_EVENT_ID_LENGTH + 1) }),
    /lastEventId must be a string of at most 2048 characters/,
  );
});
