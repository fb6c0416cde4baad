#!/usr/bin/env node
// Runs every test of the repository in one `node --test` run, on the TypeScript sources (through tsx and
// the `tidings-source` export condition, so no build is needed between an edit and a test run).
//
//   npm test                         every test
//   npm test -- packages/protocol    only test files under the given paths
//
// It prints one closing line "N passed, N failed, N skipped" and exits non-zero when a test failed, when
// no test ran, or (with CI=true) when a test was skipped: a skipped test must never count as passed.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const ROOTS = ['packages', 'examples', 'test-support', 'bench'];
const TEST_FILE = /\.test\.(ts|mts|mjs|js)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', '.tmp']);

function findTests(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) findTests(path, out);
    } else if (TEST_FILE.test(entry.name)) {
      out.push(relative(root, path));
    }
  }
  return out;
}

const filters = process.argv.slice(2).map((arg) => relative(root, resolve(arg)));
const files = ROOTS.flatMap((dir) => findTests(join(root, dir), []))
  .filter((file) => filters.length === 0 || filters.some((f) => file === f || file.startsWith(`${f}/`)))
  .sort();

if (files.length === 0) {
  console.error(`no test files found${filters.length ? ` under ${filters.join(', ')}` : ''}`);
  console.log('0 passed, 0 failed');
  process.exit(1);
}

mkdirSync(join(root, '.tmp'), { recursive: true });
const tapFile = join(root, '.tmp', `test-results-${process.pid}.tap`);
const concurrency = process.env.TIDINGS_TEST_CONCURRENCY ?? '2';
const args = [
  '--conditions=tidings-source',
  '--import',
  'tsx',
  '--test',
  `--test-concurrency=${concurrency}`,
  '--test-timeout=180000',
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  '--test-reporter=tap',
  `--test-reporter-destination=${tapFile}`,
  ...files,
];
console.log(`${files.length} test files on Node ${process.version} (${process.execPath})`);
const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
child.on('exit', (code, signal) => {
  const tap = (() => {
    try {
      return readFileSync(tapFile, 'utf8');
    } catch {
      return '';
    }
  })();
  // The summary lines at the end of the TAP output: "# tests 12", "# pass 12", "# fail 0", ...
  const count = (name) => Number(tap.match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1] ?? 0);
  const [tests, passed, failed, cancelled, skipped, todo] = [
    'tests',
    'pass',
    'fail',
    'cancelled',
    'skipped',
    'todo',
  ].map(count);
  const notRun = skipped + todo;
  console.log(`\n${passed} passed, ${failed + cancelled} failed, ${notRun} skipped`);
  let exitCode = code ?? 1;
  if (signal) console.error(`test run killed by ${signal}`);
  if (tests === 0) {
    console.error('no test ran');
    exitCode = 1;
  }
  if (process.env.CI === 'true' && notRun > 0) {
    console.error(`${notRun} test(s) skipped: in CI every test must run (see the skip reasons above)`);
    exitCode = 1;
  }
  rmSync(tapFile, { force: true });
  process.exit(exitCode);
});
