// The package's public values, as a user imports them, against a literal list: a name added or removed
// here is an API change, made on purpose (and written in CHANGELOG.md), never by accident. Types cannot be
// listed at run time; the values are enough to catch an export that grew. Every subpath of package.json's
// `exports` is listed, so a new entry point needs its list too.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as root from '@tidings/redis';

const EXPECTED: Record<string, { module: object; names: string[] }> = {
  '@tidings/redis': {
    module: root,
    names: [
      'DEFAULT_COMMAND_TIMEOUT_MS',
      'DEFAULT_CONNECT_TIMEOUT_MS',
      'DEFAULT_PREFIX',
      'MAX_PREFIX_LENGTH',
      'RECENT_ENTRIES_MAX_BYTES',
      'RECENT_ENTRIES_MAX_COUNT',
      'RedisLog',
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
