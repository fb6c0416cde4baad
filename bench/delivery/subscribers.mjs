// The subscribers of one measurement: SUBSCRIBERS_PER_PROCESS streams at most per Go generator process
// (each process may hold 20,000 open files here; 9,500 leaves room for what else it opens), so 10,000
// subscribers take two processes. Each process spreads its streams over 127.0.0.2-101 from its own offset,
// so every source address carries about the same number of streams. Their figures are merged here:
// counts summed, latency histograms added bucket by bucket (exact, not an average of percentiles).
import { startLineProcess } from './line-process.mjs';

export const SUBSCRIBERS_PER_PROCESS = Number(process.env.SUBSCRIBERS_PER_PROCESS ?? 9500);
/** Epoll loops (OS threads) per generator process. */
export const POLLERS = Number(process.env.POLLERS ?? 1);

/** The value at quantile q of merged [value µs, count] buckets (nearest rank), ms; null when empty. */
function quantileMs(buckets, total, q) {
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const [value, count] of buckets) {
    seen += count;
    if (seen >= rank) return value / 1000;
  }
  return buckets.at(-1)[0] / 1000;
}

/** Merges the processes' "report" answers into one. */
function merge(reports) {
  const counts = new Map();
  for (const report of reports)
    for (const [value, count] of report.histogram) counts.set(value, (counts.get(value) ?? 0) + count);
  const buckets = [...counts].sort((a, b) => a[0] - b[0]);
  const samples = reports.reduce((sum, r) => sum + r.samples, 0);
  const max = Math.max(...reports.map((r) => r.max ?? Number.NEGATIVE_INFINITY));
  const clamp = (v) => (v === null ? null : Math.min(v, max)); // a bucket's middle may lie above the maximum
  return {
    events: reports.reduce((sum, r) => sum + r.events, 0),
    samples,
    p50: clamp(quantileMs(buckets, samples, 0.5)),
    p99: clamp(quantileMs(buckets, samples, 0.99)),
    max: samples > 0 ? max : null,
    cpuMs: reports.reduce((sum, r) => sum + r.cpuMs, 0),
    open: reports.reduce((sum, r) => sum + r.open, 0),
    closed: reports.reduce((sum, r) => sum + r.closed, 0),
    lastAt: Math.max(...reports.map((r) => r.lastAt)),
  };
}

/**
 * Opens `count` streams to http://127.0.0.1:port/path; resolves once every one has its response head:
 * { start(), count(): { events, open }, report(), stop() }. Rejects when a stream failed to open.
 */
export async function openSubscribers(binary, { port, path }, count) {
  const processes = Math.ceil(count / SUBSCRIBERS_PER_PROCESS);
  const generators = [];
  let offset = 0;
  for (let i = 0; i < processes; i++) {
    const n = Math.floor(count / processes) + (i < count % processes ? 1 : 0);
    generators.push(
      startLineProcess(binary, [
        '-mode',
        'subscribe',
        '-addr',
        `127.0.0.1:${port}`,
        '-path',
        path,
        '-n',
        String(n),
        '-offset',
        String(offset),
        '-pollers',
        String(POLLERS),
      ]),
    );
    offset += n;
  }
  const stop = () => Promise.all(generators.map((g) => g.stop()));
  try {
    const ready = await Promise.all(generators.map((g) => g.next('ready')));
    const failures = ready.reduce((sum, r) => sum + r.failures, 0);
    if (failures > 0) {
      throw new Error(`${failures} of ${count} streams failed to open: ${ready.find((r) => r.error)?.error}`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const all = (command, type) => Promise.all(generators.map((g) => g.ask(command, type)));
  return {
    processes,
    pids: generators.map((g) => g.pid),
    start: () => all('start', 'started'),
    async count() {
      const counts = await all('count', 'count');
      return { events: counts.reduce((sum, c) => sum + c.events, 0), open: counts.reduce((sum, c) => sum + c.open, 0) };
    },
    report: async () => merge(await all('report', 'report')),
    stop,
  };
}
