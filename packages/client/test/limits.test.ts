// The parser's limits, as the EventSource reports them: the oversized event is dropped, an error event
// says so, and the stream goes on.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EventSource } from '../src/index.ts';
import { logEvents } from './support/event-log.ts';
import { respond, startServer } from './support/test-server.ts';
import { waitFor } from './support/wait.ts';
import { withSource } from './support/with-source.ts';

describe('limits', () => {
  test('a line longer than maxLineLength: error LINE_TOO_LONG while OPEN, later events still arrive', async () => {
    const server = await startServer((_req, res) => respond(res, `data: ${'x'.repeat(100)}\n\ndata: small\n\n`));
    await withSource(server, { maxLineLength: 32, reconnect: null }, async (source) => {
      const logged = logEvents(source);
      await waitFor(() => source.readyState === EventSource.CLOSED, 'the end');
      assert.deepEqual(logged.log, [
        'open:OPEN',
        'error:LINE_TOO_LONG:OPEN',
        'message:small',
        'error:STREAM_ENDED:CLOSED',
      ]);
      assert.equal(logged.errors[0]?.status, 200);
      assert.equal(logged.errors[0]?.retryDelay, null);
    });
  });

  test('an event longer than maxEventLength: error EVENT_TOO_LONG, the event dropped', async () => {
    const server = await startServer((_req, res) =>
      respond(res, `${'data: 0123456789\n'.repeat(10)}\ndata: small\n\n`),
    );
    await withSource(server, { maxEventLength: 50, reconnect: null }, async (source) => {
      const logged = logEvents(source);
      await waitFor(() => source.readyState === EventSource.CLOSED, 'the end');
      assert.deepEqual(logged.log, [
        'open:OPEN',
        'error:EVENT_TOO_LONG:OPEN',
        'message:small',
        'error:STREAM_ENDED:CLOSED',
      ]);
    });
  });
});
