// Append and read throughput of a SqliteLog on each driver this Node can run, in one process, same file
// system, same data. Method: for each round, each driver (in alternating order, so neither always runs on
// a warmer machine) appends APPENDS entries one at a time, each awaited (what a hub does per publish),
// with synchronous 'full' and then 'normal', to a new file in the system's temporary folder; then the file
// is reopened (so the window of recent entries is empty and every read runs SQL) and read from start to
// end in pages of READ_PAGE entries, READ_PASSES times. Each figure is the median of ROUNDS rounds.
//
//   node --conditions=tidings-source --import tsx packages/sqlite/scripts/driver-throughput.ts
//
// The machines are shared and noisy: compare the drivers by their ratio, measured in the same run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SqliteDriverName, SqliteLog, type SqliteSynchronous } from '@tidings/sqlite';
import { driverProblem } from '../src/choose-driver.ts';

const ROUNDS = 3;
const APPENDS: Record<SqliteSynchronous, number> = { full: 2_000, normal: 10_000 };
const READ_PAGE = 500;
const READ_PASSES = 5;
/** About the size of a small JSON update. */
const DATA = JSON.stringify({ status: 'shipped', order: 1042, note: 'x'.repeat(160) });

const drivers = (['node:sqlite', 'better-sqlite3'] as SqliteDriverName[]).filter((d) => driverProblem(d) === null);
const folder = mkdtempSync(join(tmpdir(), 'tidings-sqlite-bench-'));

async function appendRate(path: string, driver: SqliteDriverName, synchronous: SqliteSynchronous): Promise<number> {
  const log = new SqliteLog({ path, driver, synchronous, limits: { maxCount: 1_000_000 } });
  const count = APPENDS[synchronous];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    await log.append({
      id: `e-${i}`,
      topics: ['https://example.com/orders/1042'],
      data: DATA,
      private: false,
      publishedAt: Date.now(),
    });
  }
  const seconds = (performance.now() - started) / 1000;
  await log.close();
  return count / seconds;
}

async function readRate(path: string, driver: SqliteDriverName): Promise<number> {
  const log = new SqliteLog({ path, driver, limits: { maxCount: 1_000_000 } });
  let read = 0;
  const started = performance.now();
  for (let pass = 0; pass < READ_PASSES; pass++) {
    for (let after = 0; ; ) {
      const { entries } = await log.read(after, READ_PAGE);
      read += entries.length;
      if (entries.length < READ_PAGE) break;
      after = entries.at(-1)!.position;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  await log.close();
  return read / seconds;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const results = new Map<string, number[]>();
const record = (key: string, value: number) => results.set(key, [...(results.get(key) ?? []), value]);

try {
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? drivers : [...drivers].reverse();
    for (const driver of order) {
      for (const synchronous of ['full', 'normal'] as SqliteSynchronous[]) {
        const path = join(folder, `${driver.replace(':', '-')}-${synchronous}-${round}.db`);
        record(`${driver} append ${synchronous}`, await appendRate(path, driver, synchronous));
        if (synchronous === 'normal') record(`${driver} read`, await readRate(path, driver));
      }
    }
  }
  console.log(`Node ${process.version}, ${ROUNDS} rounds, medians; temporary folder ${tmpdir()}`);
  for (const measure of ['append full', 'append normal', 'read']) {
    const unit = measure === 'read' ? 'entries/s' : 'appends/s';
    const figures = drivers.map((d) => `${d} ${Math.round(median(results.get(`${d} ${measure}`)!))} ${unit}`);
    const ratio =
      drivers.length === 2
        ? `  (node:sqlite / better-sqlite3 = ${(median(results.get(`node:sqlite ${measure}`)!) / median(results.get(`better-sqlite3 ${measure}`)!)).toFixed(2)})`
        : '';
    console.log(`${measure.padEnd(14)} ${figures.join(', ')}${ratio}`);
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}
