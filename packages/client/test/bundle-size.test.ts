// The README states the browser bundle's size: this keeps the figure true (update the README when the
// bundle changes; the build prints both numbers).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';

test('the README gives the browser bundle size as built (minified and gzipped at level 9)', () => {
  const bundle = readFileSync(new URL('../dist/browser/tidings-client.min.js', import.meta.url));
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const stated = /\*\*([\d,]+) bytes\*\*,\s*\*\*([\d,]+) bytes gzipped\*\*/.exec(readme);
  assert.ok(stated, 'the README states the size as **N bytes**, **N bytes gzipped**');
  const [minified, gzipped] = [stated[1]!, stated[2]!].map((n) => Number(n.replaceAll(',', '')));
  assert.deepEqual(
    { minified, gzipped },
    { minified: bundle.length, gzipped: gzipSync(bundle, { level: 9 }).length },
    'run npm run build:extra -w @tidings/client and copy the two numbers it prints into the README',
  );
});
