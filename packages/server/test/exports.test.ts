// The package's public values, as a user imports them, against a literal list: a name added or removed
// here is an API change, made on purpose (and written in CHANGELOG.md), never by accident. Types cannot be
// listed at run time; the values are enough to catch an export that grew. Every subpath of package.json's
// `exports` is listed, so a new entry point needs its list too.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as root from '@tidings/server';
import * as fetch from '@tidings/server/fetch';
import * as node from '@tidings/server/node';

const EXPECTED: Record<string, { module: object; names: string[] }> = {
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
      'decodeUtf8Header',
      'encodeEntry',
      'encodeUtf8Header',
      'entrySize',
      'historyLimits',
      'mercureLink',
      'resolveLogLimits',
      'resolveReplayStart',
      'resolveSessionOptions',
      'toLogEntry',
    ],
  },
  '@tidings/server/node': {
    module: node,
    names: ['createSession'],
  },
  '@tidings/server/fetch': {
    module: fetch,
    names: ['createFetchSession'],
  },
};

test('every entry point of package.json is listed', () => {
  const { name, exports } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const entryPoints = Object.keys(exports).map((subpath) => `${name}${subpath.slice(1)}`);
  assert.deepEqual(entryPoints, Object.keys(EXPECTED));
});

for (const [specifier, { module, names }] of Object.entries(EXPECTED)) {
  test(`${specifier} exports exactly these values`, () => {
    assert.deepEqual(Object.keys(module).sort(), names);
  });
}

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
