// The benchmarks are programs, not timed tests; this only makes sure they still run and produce their
// tables (a benchmark that broke unnoticed would be found on the day its figures are needed). No figure is
// asserted beyond "every event arrived": speed is judged by reading the tables, on a quiet machine.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BENCH = join(import.meta.dirname, '..');

test('bench/protocol.mjs measures both parsers on a corpus (MB/s, a positive number)', async () => {
  for (const library of ['@tidings/protocol', 'eventsource-parser']) {
    const { stdout } = await run(process.execPath, [join(BENCH, 'protocol.mjs'), '--measure', library, 'small events']);
    assert.ok(Number(stdout) > 0, `${library}: ${stdout}`);
  }
});

test('bench/fanout.mjs runs every Node server and prints a row per server, each with every event delivered', async () => {
  const servers = ['tidings', 'hub', 'better-sse', 'seed'];
  const { stdout } = await run(process.execPath, [join(BENCH, 'fanout.mjs')], {
    env: { ...process.env, ONLY: servers.join(','), CONNECTIONS: '20', RATE: '5', SECONDS: '1', WARMUP_SECONDS: '0' },
  });
  const rows = stdout.split('\n').filter((line) => line.startsWith('| ') && !/^\| (server|---) \|/.test(line));
  assert.equal(rows.length, servers.length, stdout);
  for (const row of rows) assert.match(row, /^\| [^|]+ \| 100\.0 % \|/, row);
});
