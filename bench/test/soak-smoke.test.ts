// The soak (bench/soak.mjs) is a half-hour program, not a test; this runs it for seconds so that a change
// that breaks it shows here, and checks that its loss detection can fail: its checks by themselves, and a
// real hub whose history is too short to replay what a reconnecting subscriber missed. No figure is
// asserted (flatness is judged by reading a long run, on the machine as it is then: FLAT_CHECK=0 here).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
// @ts-expect-error: a plain .mjs helper of the bench, without types
import { flatnessVerdict } from '../soak/flatness.mjs';
// @ts-expect-error: a plain .mjs helper of the bench, without types
import { LatencyHistogram } from '../soak/latency-histogram.mjs';
// @ts-expect-error: a plain .mjs helper of the bench, without types
import { createSequenceCheck } from '../soak/sequence-check.mjs';

const run = promisify(execFile);
const SOAK = join(import.meta.dirname, '..', 'soak.mjs');
/** A few seconds of soak: 40 subscribers on 4 topics (2 on all), 20 updates/s, 20 drops a second. */
const SMALL = {
  SUBSCRIBERS: '40',
  WILDCARDS: '2',
  TOPICS: '4',
  RATE: '20',
  CHURN: '20',
  DURATION_S: '6',
  SAMPLE_S: '1',
  WARMUP_S: '1',
  RECONNECT_MIN_MS: '50',
  RECONNECT_MAX_MS: '300',
  FLAT_CHECK: '0',
};

/** Runs the soak; resolves { code, stdout, stderr } whatever its exit code. */
async function soak(env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, [SOAK], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

const counted = (stdout: string, label: string) => {
  const match = stdout.match(new RegExp(`${label} (\\d+)`));
  assert.ok(match, `no "${label} N" in:\n${stdout}`);
  return Number(match[1]);
};

test('the sequence check counts gaps, duplicates and other topics, and what is still missing', () => {
  const topic = createSequenceCheck({ first: 1, step: 4 }); // topic 1 of 4: updates 1, 5, 9, 13, ...
  assert.deepEqual([1, 5, 13, 9, 13, 2].map(topic.see), ['ok', 'ok', 'gap', 'duplicate', 'duplicate', 'extra']);
  assert.deepEqual([topic.gaps, topic.duplicates, topic.extras, topic.events], [1, 2, 1, 6]);
  assert.equal(topic.missing(17), 0); // 17 is the next update of topic 1
  assert.equal(topic.missing(26), 3); // 17, 21, 25
  const all = createSequenceCheck({ first: 0, step: 1 });
  assert.deepEqual([0, 1, 1, 3, Number.NaN].map(all.see), ['ok', 'ok', 'duplicate', 'gap', 'extra']);
  assert.throws(() => createSequenceCheck({ first: 4, step: 4 }), TypeError);
});

test('the flatness verdict compares the first and last quarter after the warm-up, with a floor', () => {
  const series = (values: number[]) => values.map((v, i) => ({ atS: (i + 1) * 10, v }));
  const figures = [{ name: 'v', pick: (s: { v: number }) => s.v, limit: 1.1, floor: 5 }];
  const warm = [500, 500]; // the warm-up's samples do not count
  const flat = flatnessVerdict(series([...warm, 100, 101, 99, 100, 102, 100, 101, 103]), { warmupS: 20, figures });
  assert.equal(flat.ok, true);
  assert.equal(flat.rows[0].first, 100.5);
  assert.equal(flat.rows[0].last, 102);
  const grows = flatnessVerdict(series([...warm, 100, 100, 105, 110, 115, 120, 125, 130]), { warmupS: 20, figures });
  assert.equal(grows.ok, false);
  assert.equal(grows.rows[0].ratio, 127.5 / 100);
  // 1 → 3 ms is under the floor of 5: noise, not growth.
  assert.equal(flatnessVerdict(series([1, 1, 2, 3]), { warmupS: 0, figures }).ok, true);
  assert.equal(flatnessVerdict(series([1, 2, 3]), { warmupS: 0, figures }).ok, null);
});

test('the latency histogram reports quantiles within its bucket width and the exact maximum', () => {
  const histogram = new LatencyHistogram();
  for (let i = 1; i <= 1000; i++) histogram.add(i / 10); // 0.1 .. 100 ms
  for (const [q, exact] of [
    [0.5, 50],
    [0.99, 99],
  ] as const) {
    const got = histogram.quantile(q);
    assert.ok(got >= exact && got <= exact * 1.045, `q${q}: ${got} for ${exact}`);
  }
  assert.equal(histogram.quantile(1), 100);
  const merged = new LatencyHistogram().merge(histogram.toJSON()).merge(histogram);
  assert.equal(merged.count, 2000);
  assert.equal(merged.quantile(0.5), histogram.quantile(0.5));
  assert.ok(Number.isNaN(new LatencyHistogram().quantile(0.5)));
});

test('bench/soak.mjs runs a few seconds of churn: every reconnect resumes, nothing lost', async () => {
  const { code, stdout, stderr } = await soak(SMALL);
  assert.equal(code, 0, `${stdout}\n${stderr}`);
  assert.match(stdout, /Nothing lost: yes/);
  assert.match(stdout, /^\| 00:0\d \| \d+ \| [\d.]+ \([\d.]+–[\d.]+\) \| \d+ \|/m); // the table has rows
  const modes = stdout.match(/reconnects (\d+) \(end (\d+), destroy (\d+), reset (\d+)\)/);
  assert.ok(modes, stdout);
  const [reconnects = 0, ...byMode] = modes.slice(1).map(Number);
  assert.ok(reconnects > 0, stdout);
  for (const n of byMode) assert.ok(n > 0, `a way of dropping never used:\n${stdout}`);
  // Each reconnect got its replay event, and the hub saw each as a replay.
  assert.equal(counted(stdout, 'replay events'), reconnects);
  assert.equal(counted(stdout, 'replays the hub counted'), reconnects);
  const events = stdout.match(/(\d+) events received and checked \((\d+) expected/);
  assert.ok(events && Number(events[1]) > 0, stdout);
  assert.equal(events[1], events[2]);
});

test('bench/soak.mjs finds the loss when the hub keeps too little history to replay a reconnect', async () => {
  // One update of history: a reconnecting subscriber's id has been pushed out by the time it is back.
  const { code, stdout, stderr } = await soak({ ...SMALL, HISTORY: '1', DURATION_S: '4' });
  assert.equal(code, 1, `${stdout}\n${stderr}`);
  assert.match(stdout, /Nothing lost: NO/);
  assert.ok(counted(stdout, '`earliest` replays') > 0, stdout);
  assert.match(stdout, /Verdict: LOSS/);
});
