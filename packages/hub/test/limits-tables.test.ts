// The hub keeps its limits in one file per owner (the hub, the CLI, the dashboard); the README's
// "Limits" section has one table per file. This test keeps the tables true: every constant of a file is
// listed under that file's heading, and every constant listed there is one of the file's.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as cli from '../src/cli/cli-limits.ts';
import * as dashboard from '../src/dashboard/dashboard-limits.ts';
import * as hub from '../src/limits.ts';

const FILES: Record<string, Record<string, unknown>> = {
  'src/limits.ts': hub,
  'src/cli/cli-limits.ts': cli,
  'src/dashboard/dashboard-limits.ts': dashboard,
};

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const limitsSection = readme.slice(
  readme.indexOf('\n## Limits\n'),
  readme.indexOf('\n## ', readme.indexOf('\n## Limits\n') + 1),
);

/** The constants named in the first cell of each table row under the heading that names `file`. */
function listedUnder(file: string): string[] {
  const heading = limitsSection.indexOf(`(\`${file}\`)\n`);
  assert.notEqual(heading, -1, `the Limits section has a heading naming ${file}`);
  const end = limitsSection.indexOf('\n### ', heading);
  const rows = limitsSection.slice(heading, end === -1 ? undefined : end).split('\n');
  return rows
    .filter((row) => row.startsWith('| `') && !row.includes('(server)'))
    .flatMap((row) => [...(row.split('|')[1] ?? '').matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!));
}

for (const [file, constants] of Object.entries(FILES)) {
  test(`the README's table for ${file} lists exactly its constants`, () => {
    const listed = listedUnder(file);
    const defined = Object.keys(constants);
    assert.deepEqual(
      defined.filter((name) => !listed.includes(name)),
      [],
      'constants missing from the table',
    );
    assert.deepEqual(
      listed.filter((name) => !defined.includes(name)),
      [],
      'rows naming constants the file does not have',
    );
  });
}

test('no constant is defined by two owners', () => {
  const seen = new Map<string, string>();
  for (const [file, constants] of Object.entries(FILES)) {
    for (const name of Object.keys(constants)) {
      assert.equal(seen.get(name), undefined, `${name} is in ${seen.get(name)} and ${file}`);
      seen.set(name, file);
    }
  }
});
