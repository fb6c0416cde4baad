// The package's public values against a literal list (test-support/export-snapshot.ts says why).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as root from '@tidings/protocol';
import * as stream from '@tidings/protocol/stream';
import { type ExpectedExports, testExports } from '../../../test-support/export-snapshot.ts';

const EXPECTED: ExpectedExports = {
  '@tidings/protocol': {
    module: root,
    names: [
      'DEFAULT_MAX_EVENT_LENGTH',
      'DEFAULT_MAX_LINE_LENGTH',
      'ProtocolError',
      'createParser',
      'encodeComment',
      'encodeEvent',
      'formatComment',
      'formatEvent',
    ],
  },
  '@tidings/protocol/stream': {
    module: stream,
    names: ['EventStreamParserStream'],
  },
};

testExports(new URL('../package.json', import.meta.url), EXPECTED);

test('ProtocolError has the one error shape: a string code and the standard cause', () => {
  const cause = new Error('underlying');
  const error = new root.ProtocolError('LINE_TOO_LONG', 'a line is too long', { cause });
  assert.ok(error instanceof Error);
  assert.equal(error.name, 'ProtocolError');
  assert.equal(error.code, 'LINE_TOO_LONG');
  assert.equal(error.cause, cause);
});
