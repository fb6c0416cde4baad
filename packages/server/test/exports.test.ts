// The package's public values against a literal list (test-support/export-snapshot.ts says why).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as root from '@tidings/server';
import * as fetch from '@tidings/server/fetch';
import * as node from '@tidings/server/node';
import { type ExpectedExports, testExports } from '../../../test-support/export-snapshot.ts';

const EXPECTED: ExpectedExports = {
  '@tidings/server': {
    module: root,
    names: [
      'Channel',
      'DEFAULT_CORS_MAX_AGE_MS',
      'DEFAULT_HISTORY_MAX_AGE_MS',
      'DEFAULT_HISTORY_SIZE',
      'DEFAULT_KEEP_ALIVE_MS',
      'DEFAULT_LOG_MAX_BYTES',
      'DEFAULT_LOG_MAX_COUNT',
      'DEFAULT_MAX_BUFFERED_BYTES',
      'DEFAULT_POLL_LINGER_MS',
      'DEFAULT_POLL_TIMEOUT_MS',
      'EARLIEST',
      'EventLogError',
      'FeedListeners',
      'LogSubscriber',
      'MAX_EVENT_ID_LENGTH',
      'MemoryLog',
      'RECENT_ENTRIES_MAX_BYTES',
      'RECENT_ENTRIES_MAX_COUNT',
      'REPLAY_EVENT',
      'RecentEntries',
      'ServerError',
      'Session',
      'checkEventFields',
      'checkEventLog',
      'checkRead',
      'createChannel',
      'createCorsPolicy',
      'decodeUtf8Header',
      'encodeEntry',
      'encodeUtf8Header',
      'entrySize',
      'historyLimits',
      'mercureLink',
      'readLastEventId',
      'resolveLogLimits',
      'resolveReplayStart',
      'toLogEntry',
    ],
  },
  '@tidings/server/node': {
    module: node,
    names: ['MAX_DISCARD_BYTES', 'createSession', 'readBody'],
  },
  '@tidings/server/fetch': {
    module: fetch,
    names: ['createFetchSession', 'readFetchBody'],
  },
};

testExports(new URL('../package.json', import.meta.url), EXPECTED);

test('the errors share one shape: ServerError is the base, with a string code and the standard cause', () => {
  const cause = new Error('underlying');
  const logError = new root.EventLogError('LOG_UNAVAILABLE', 'the store failed', { cause });
  assert.ok(logError instanceof root.ServerError);
  assert.equal(logError.name, 'EventLogError');
  assert.equal(logError.code, 'LOG_UNAVAILABLE');
  assert.equal(logError.cause, cause);
  const closed = new root.ServerError('CLIENT_GONE', 'the client went away', { cause });
  assert.deepEqual([closed.name, closed.code, closed.cause], ['ServerError', 'CLIENT_GONE', cause]);
});
