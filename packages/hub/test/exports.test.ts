// The package's public values against a literal list (test-support/export-snapshot.ts says why).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as root from '@tidings/hub';
import { type ExpectedExports, testExports } from '../../../test-support/export-snapshot.ts';

const EXPECTED: ExpectedExports = {
  '@tidings/hub': {
    module: root,
    names: [
      'HubError',
      'PublishError',
      'SelectorError',
      'TokenError',
      'createHub',
      'createSigningKey',
      'createVerifyKey',
      'mountDashboard',
      'signJwt',
      'verifyJwt',
    ],
  },
};

testExports(new URL('../package.json', import.meta.url), EXPECTED);

test('the errors share one shape: each extends HubError, with a string code and the standard cause', () => {
  const cause = new Error('underlying');
  const errors = [
    new root.TokenError('EXPIRED', 'the token has expired', { cause }),
    new root.SelectorError('INVALID_SELECTOR', 'the selector is empty', { cause }),
    new root.PublishError('HUB_CLOSED', 503, 'the hub is closed', { cause }),
  ];
  for (const error of errors) {
    assert.ok(error instanceof root.HubError, error.name);
    assert.equal(error.cause, cause);
  }
  assert.deepEqual(
    errors.map((error) => [error.name, error.code]),
    [
      ['TokenError', 'EXPIRED'],
      ['SelectorError', 'INVALID_SELECTOR'],
      ['PublishError', 'HUB_CLOSED'],
    ],
  );
});
