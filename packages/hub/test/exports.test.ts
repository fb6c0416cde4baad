// The package's public values, as a user imports them, against a literal list: a name added or removed
// here is an API change, made on purpose (and written in CHANGELOG.md), never by accident. Types cannot be
// listed at run time; the values are enough to catch an export that grew. Every subpath of package.json's
// `exports` is listed, so a new entry point needs its list too.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as root from '@tidings/hub';

const EXPECTED: Record<string, { module: object; names: string[] }> = {
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
