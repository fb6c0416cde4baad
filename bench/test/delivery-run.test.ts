// The delivery bench's smoke run, in a file of its own: it starts six servers for six scenarios and, in a
// fresh clone, first builds the Go load generator, which with the other benches' runs came near the test
// runner's per-file timeout on a busy machine. Like benchmarks-run.test.ts, no figure is asserted beyond
// "every event arrived" and every table and chart bar being there.
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
