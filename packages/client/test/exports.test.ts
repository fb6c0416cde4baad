// The package's public values against a literal list (test-support/export-snapshot.ts says why).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as root from '@tidings/client';
import { type ExpectedExports, testExports } from '../../../test-support/export-snapshot.ts';

const EXPECTED: ExpectedExports = {
  '@tidings/client': {
    module: root,
    names: [
      'CREDENTIAL_HEADERS',
      'DEFAULT_BACKOFF_FACTOR',
      'DEFAULT_INITIAL_DELAY',
      'DEFAULT_JITTER',
      'DEFAULT_MAX_ATTEMPTS',
      'DEFAULT_MAX_DELAY',
      'DEFAULT_MAX_QUEUED_BYTES',
      'DEFAULT_MAX_QUEUED_EVENTS',
      'DEFAULT_RECONNECTION_TIME',
      'EventSource',
      'EventSourceError',
      'EventSourceErrorEvent',
      'MAX_REDIRECTS',
      'MAX_TIMER_MS',
      'iterate',
    ],
  },
};

// The browser bundle is the root's code built for <script type="module">: the same names (below).
testExports(new URL('../package.json', import.meta.url), EXPECTED, ['@tidings/client/browser-bundle']);

test('@tidings/client/browser-bundle exports the same values as the root', async () => {
  // The built file (npm run build:extra -w @tidings/client), as the packed-install test loads it.
  const bundle = await import(new URL('../dist/browser/tidings-client.min.js', import.meta.url).href);
  assert.deepEqual(Object.keys(bundle).sort(), EXPECTED['@tidings/client']?.names);
});

test('EventSourceError has the one error shape: a string code, the status and the standard cause', () => {
  const cause = new TypeError('fetch failed');
  const error = new root.EventSourceError('NETWORK_ERROR', 'the request failed', null, { cause });
  assert.deepEqual(
    [error.name, error.code, error.status, error.cause],
    ['EventSourceError', 'NETWORK_ERROR', null, cause],
  );
  // The error event says why with the same word.
  const event = new root.EventSourceErrorEvent({ code: 'HTTP_STATUS', status: 401, message: 'refused' });
  assert.deepEqual([event.type, event.code, event.status], ['error', 'HTTP_STATUS', 401]);
});
