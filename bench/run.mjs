#!/usr/bin/env node
// `npm run bench`: runs every benchmark in this folder, one after the other (they measure; never run them in
// parallel). `npm run bench NAME` runs those whose file name contains NAME.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const only = process.argv[2];
// The soak runs 30 minutes: only when asked for by name (`npm run bench soak`).
const ON_REQUEST = new Set(['soak.mjs']);
const benches = readdirSync(import.meta.dirname)
  .filter((file) => file.endsWith('.mjs') && file !== 'run.mjs')
  .filter((file) => (only ? file.includes(only) : !ON_REQUEST.has(file)))
  .sort();
let failed = 0;
for (const file of benches) {
  console.log(`\n## ${file}\n`);
  const result = spawnSync(process.execPath, [join(import.meta.dirname, file)], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
