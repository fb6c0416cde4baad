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

// The two event-log benches exit 1 when any subscriber missed, repeated or misordered an event, so a
// clean exit is the check; the rows are read too, so that a table that lost its figures shows here.
// They need Redis (TIDINGS_TEST_REDIS_URL, default redis://127.0.0.1:6379), as the hub's cluster tests do.
const eventRows = (stdout: string) =>
  stdout.split('\n').filter((line) => line.startsWith('| ') && !/^\| (store|setup|ratio|---) \|/.test(line));

test('bench/replay-storm.mjs runs a tiny storm on every store: every subscriber gets exactly what it missed, then live', async () => {
  const { stdout } = await run(process.execPath, [join(BENCH, 'replay-storm.mjs')], {
    env: { ...process.env, SUBSCRIBERS: '20', UPDATES: '50', LIVE: '10', ROUNDS: '1' },
  });
  const rows = eventRows(stdout);
  assert.equal(rows.length, 3, stdout);
  for (const row of rows) {
    const [, events = 0, expected] = row.match(/\| (\d+) \/ (\d+) \|/)!.map(Number);
    assert.ok(events > 0 && events === expected, row);
    assert.match(row, /\| 0, 0, 0, 0, 0 \| 0 \(0\) \|$/, row);
  }
  assert.match(stdout, /exactly once, in order/);
});

test('bench/cluster.mjs runs memory, Redis and a two-node cluster: every update once, in one order on both nodes', async () => {
  const { stdout } = await run(process.execPath, [join(BENCH, 'cluster.mjs')], {
    env: { ...process.env, SUBSCRIBERS: '20', SECONDS: '1', WARMUP_SECONDS: '0', ROUNDS: '1' },
  });
  const rows = eventRows(stdout).filter((line) => !/ \/ /.test(line.split('|')[1]!));
  assert.equal(rows.length, 3, stdout);
  for (const row of rows) {
    assert.match(row, /\| 20\/20 \| 0, 0, 0, 0, 0, 0 \|$/, row);
    assert.ok(Number(row.split('|')[2]) > 0, `no publish accepted: ${row}`);
  }
  assert.match(stdout, /exactly once, in one order on every node/);
});
