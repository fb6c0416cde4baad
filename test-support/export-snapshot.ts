// The export snapshot every package's test/exports.test.ts runs: a package's public values, as a user
// imports them, against a literal list. A name added or removed there is an API change, made on purpose
// (and written in CHANGELOG.md), never by accident. Types cannot be listed at run time; the values are
// enough to catch an export that grew. Every subpath of package.json's `exports` must be listed, so a new
// entry point needs its list too.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

/** Per import specifier: the imported module and its value names, sorted. */
export type ExpectedExports = Record<string, { module: object; names: string[] }>;

/**
 * Registers the snapshot tests of the package whose package.json is at `packageJson`. `checkedElsewhere`:
 * entry points the package's own test checks another way (the client's browser bundle, a built file).
 */
export function testExports(packageJson: URL, expected: ExpectedExports, checkedElsewhere: string[] = []): void {
  test('every entry point of package.json is listed', () => {
    const { name, exports } = JSON.parse(readFileSync(packageJson, 'utf8'));
    const entryPoints = Object.keys(exports).map((subpath) => `${name}${subpath.slice(1)}`);
    assert.deepEqual(entryPoints, [...Object.keys(expected), ...checkedElsewhere]);
  });
  for (const [specifier, { module, names }] of Object.entries(expected)) {
    test(`${specifier} exports exactly these values`, () => {
      assert.deepEqual(Object.keys(module).sort(), names);
    });
  }
}
