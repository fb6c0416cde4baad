import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';

const SRC = resolve(import.meta.dirname, '../src');
const IMPORT = /(?:import|export)\s[^'"]*?from\s+'([^']+)'|import\('([^']+)'\)/g;

/** Every module specifier reachable from `entry` through relative imports, with the files it passed. */
function reachableImports(entry: string): Map<string, string> {
  const found = new Map<string, string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2]!;
      if (specifier.startsWith('.')) visit(join(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else found.set(specifier, file);
    }
  };
  visit(join(SRC, entry));
  return found;
}

describe('package layout', () => {
  it('the package root imports no node:* module (it runs in browsers, Deno, Bun and workers)', () => {
    const imports = reachableImports('index.ts');
    const nodeOnly = [...imports].filter(([specifier]) => specifier.startsWith('node:'));
    assert.deepEqual(nodeOnly, []);
    assert.ok(imports.has('@tidings/protocol'), 'the scan follows the imports');
  });

  it('the fetch adapter imports no node:* module either', () => {
    const nodeOnly = [...reachableImports('fetch.ts')].filter(([specifier]) => specifier.startsWith('node:'));
    assert.deepEqual(nodeOnly, []);
    assert.ok(reachableImports('node.ts').has('node:http'), 'the node adapter is where node:* lives');
  });
});
