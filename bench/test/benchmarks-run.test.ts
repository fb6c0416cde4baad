// The benchmarks are programs, not timed tests; this only makes sure they still run and produce their
// tables (a benchmark that broke unnoticed would be found on the day its figures are needed). No figure is
// asserted beyond "every event arrived": speed is judged by reading the tables, on a quiet machine.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
// @ts-expect-error: a plain .mjs helper of the bench, without types
import { hasNchan } from '../shared/nchan.mjs';

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

test('bench/delivery.mjs runs every scenario on every server with the Go generator: each row has every event', {
  timeout: 600_000,
}, async () => {
  // nchan when installed; with CI=true always (.ci/run installs it), so that a missing nchan fails here.
  const servers = ['hub', 'hub-node24', 'tidings', 'better-sse', 'seed'];
  if (hasNchan() || process.env.CI === 'true') servers.push('nchan');
  const dir = mkdtempSync(join(tmpdir(), 'tidings-delivery-'));
  const chart = join(dir, 'chart.svg');
  try {
    const { stdout } = await run(process.execPath, [join(BENCH, 'delivery.mjs')], {
      env: {
        ...process.env,
        ONLY: servers.join(','),
        SUBSCRIBERS: '30',
        SMALL_SUBSCRIBERS: '20',
        CAPACITY_SUBSCRIBERS: '40',
        SECONDS: '1',
        WARMUP_SECONDS: '0.5',
        BIG_EVENT_BYTES: '4096',
        CHART: chart,
      },
      maxBuffer: 16 * 1024 * 1024,
    });
    // Each table: its header row names the columns; every server has a row.
    const tables = stdout.split('\n### ').slice(1);
    assert.equal(tables.length, 6, stdout);
    for (const table of tables) {
      const lines = table.split('\n').filter((line) => line.startsWith('| '));
      const header = lines[0]!.split(' | ');
      const rows = lines.slice(2);
      assert.equal(rows.length, servers.length, table);
      const delivered = header.indexOf('delivered');
      for (const row of rows) {
        const cells = row.split(' | ');
        if (delivered < 0)
          assert.match(cells[3]!, /^-?\d[\d,.]*$/, row); // idle KiB per connection
        else assert.match(cells[delivered]!, /^100\.0 % of [1-9][\d,]*$/, row);
      }
    }
    const svg = readFileSync(chart, 'utf8');
    assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.equal(
      (svg.match(/<rect [^>]*><title>/g) ?? []).length,
      6 * servers.length,
      'a bar per server in 4 + 2 groups',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
