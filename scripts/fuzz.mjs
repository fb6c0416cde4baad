#!/usr/bin/env node
// The long fuzz run: the two fuzz test files, each property run for a time budget instead of the few
// hundred runs `npm test` gives it, in several rounds with a new seed each.
//
//   node scripts/fuzz.mjs                      about 10 minutes (2 rounds of the budgets below)
//   FUZZ_ROUNDS=1 FUZZ_PROTOCOL_SECONDS=2 FUZZ_HUB_SECONDS=5 node scripts/fuzz.mjs       a quick look
//   FUZZ_SEED=<seed a failure printed> FUZZ_ROUNDS=1 node scripts/fuzz.mjs               replays that seed
//
// - packages/protocol/test/fuzz.test.ts: the parser against the reference reading of the standard on
//   arbitrary text and bytes split at arbitrary points, the web stream parser, the serializer. Each of its
//   11 properties runs FUZZ_PROTOCOL_SECONDS (default 12 s) per round.
// - packages/hub/test/fuzz.test.ts: publish bodies, subscribe queries, tokens and raw requests against a
//   real hub on loopback (a new hub each round), then the hub's health, memory and a round trip. Each of
//   its 3 properties runs FUZZ_HUB_SECONDS (default 45 s) per round.
//
// Each file runs through scripts/test.mjs (tsx on the sources, as `npm test`), whose timeout ends a test
// file after 180 s: so a round gives each file under that, and more time means more rounds (FUZZ_ROUNDS,
// default 2). FUZZ_RUNS is set so high that the time budget ends each property (a FUZZ_RUNS given here
// wins). It prints the runs and time of each file and round, and exits non-zero when a property failed:
// the failure names its seed and its shrunk counterexample.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const UNBOUNDED_RUNS = '1000000000';

/** scripts/test.mjs's --test-timeout, which ends a whole test file; a round must end well before it. */
const FILE_TIMEOUT_SECONDS = 180;
/** Time a file needs besides its properties (loading; for the hub, starting it and the checks after). */
const FILE_OVERHEAD_SECONDS = 20;
const ROUNDS = Number(process.env.FUZZ_ROUNDS ?? 2);

const files = [
  { file: 'packages/protocol/test/fuzz.test.ts', properties: 11, seconds: process.env.FUZZ_PROTOCOL_SECONDS ?? '12' },
  { file: 'packages/hub/test/fuzz.test.ts', properties: 3, seconds: process.env.FUZZ_HUB_SECONDS ?? '45' },
];
for (const { file, properties, seconds } of files) {
  if (properties * Number(seconds) + FILE_OVERHEAD_SECONDS > FILE_TIMEOUT_SECONDS) {
    console.error(
      `${file}: ${properties} properties × ${seconds} s would pass the ${FILE_TIMEOUT_SECONDS} s file timeout`,
    );
    process.exit(2);
  }
}

/** Runs one file through scripts/test.mjs; resolves its exit code and the runs its properties made. */
function runFile({ file, seconds }) {
  return new Promise((done) => {
    const env = { ...process.env, FUZZ_SECONDS: seconds, FUZZ_RUNS: process.env.FUZZ_RUNS ?? UNBOUNDED_RUNS };
    const child = spawn(process.execPath, ['scripts/test.mjs', file], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let runs = 0;
    let partial = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) runs += Number(/ℹ (\d+) runs, seed/.exec(line)?.[1] ?? 0);
    });
    child.on('exit', (code) => done({ code: code ?? 1, runs }));
  });
}

const summary = [];
const totals = new Map(files.map(({ file }) => [file, 0]));
let failed = false;
const startedAll = Date.now();
for (let round = 1; round <= ROUNDS; round++) {
  for (const entry of files) {
    const started = Date.now();
    console.log(`\n== round ${round}/${ROUNDS}, ${entry.file}: ${entry.seconds} s per property`);
    const { code, runs } = await runFile(entry);
    const seconds = Math.round((Date.now() - started) / 1000);
    totals.set(entry.file, totals.get(entry.file) + runs);
    summary.push(`round ${round}, ${entry.file}: ${runs} runs in ${seconds} s, ${code === 0 ? 'passed' : 'FAILED'}`);
    if (code !== 0) failed = true;
  }
}
const minutes = ((Date.now() - startedAll) / 60_000).toFixed(1);
console.log(`\nfuzz, node ${process.version}, ${minutes} min:\n  ${summary.join('\n  ')}`);
for (const [file, runs] of totals) console.log(`  total ${file}: ${runs} runs`);
process.exit(failed ? 1 : 0);
