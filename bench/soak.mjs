#!/usr/bin/env node
// The soak: a hub at steady load for half an hour or more, with connection churn and reconnects with
// Last-Event-ID. Its memory, open files and event-loop delay must stay flat, and nothing may be lost.
//
// Method. One `tidings hub` process (the built CLI, --store STORE, memory by default; --history-size
// HISTORY, a minute of updates by default: far more than a reconnect's gap). Load generators of their own
// (bench/soak/loadgen.mjs, one process per 15,000 subscriptions: one process may hold 20,000 open files
// here) hold SUBSCRIBERS subscriptions on raw sockets from 100 source addresses (127.0.0.2-101): WILDCARDS
// of them take every topic (half `topic=*`, half the URI template TOPIC_BASE{n}), each of the others one of
// TOPICS topics (subscriber i: topic i % TOPICS). The parent publishes RATE updates a second on a fixed
// schedule, one after the other (each after the previous one's answer, so the publish order is the log's
// order), update g to topic g % TOPICS, with g and its publish time in its data (~110 B). So each update
// reaches (SUBSCRIBERS - WILDCARDS) / TOPICS + WILDCARDS subscribers: 50 × (4,996 / 100 + 4) ≈ 2,700
// deliveries a second by default, a moderate load on purpose (the 2-core machine is shared with other
// work; bench/fanout.mjs measures the ceiling). Churn: CHURN live subscribers a second, at random, drop
// their connection, a third each way: a FIN (`end`: the hub must close its side), a destroyed socket
// (`destroy`: FIN, and later bytes from the hub meet a RST) or a RST at once (`reset`), and reconnect
// after RECONNECT_MIN_MS..RECONNECT_MAX_MS with `Last-Event-ID: <the id of the last event it got>`.
//
// Nothing lost: across all of its reconnects every subscriber must get every update of its topic(s)
// exactly once, in order (bench/soak/sequence-check.mjs), each with the id its publish was answered with;
// each reconnect must start with `tidings-replay` naming the id it sent (an `earliest` would mean loss).
// Counted and printed: gaps, duplicates, extras, wrong ids, `earliest` replays, bad replay events, failed
// (re)connects, streams the hub ended unasked, FINs the hub did not answer by closing, refused publishes,
// and at the end (churn stopped, every subscriber live, TOPICS more updates published so that each topic
// has one after the last reconnect) the updates any subscriber still lacks. Any of them: exit 1.
//
// Sampled every SAMPLE_S seconds: the hub's RSS (/proc/PID/status VmRSS), its open file descriptors (the
// entries of /proc/PID/fd), its event-loop delay as the latency of GET /healthz (bench/soak/
// health-probe.mjs says why that is the loop's delay: 10 probes a second, p50/p99/max per sample), its CPU
// (/proc/PID/stat), its /metrics (`tidings_subscribers`, `tidings_events_delivered_total`, ...), the
// publish→receive latency of live deliveries (a timestamp carried in the data), the load generators' own
// CPU, and what else kept the machine busy (/proc/stat busy time minus the soak's own processes). "Flat"
// (bench/soak/flatness.mjs): after WARMUP_S, the median of the first quarter of the samples against the
// median of the last quarter; exit 1 when RSS grew by more than RSS_GROWTH_LIMIT, fds by more than
// FD_GROWTH_LIMIT or the healthz p99 by more than DELAY_GROWTH_LIMIT (medians under DELAY_FLOOR_MS count as
// it: the shared machine's noise). FLAT_CHECK=0 prints the ratios without judging them (short runs).
//
//   npm run build && node bench/soak.mjs                   30 minutes: 5,000 subscribers, 50 updates/s, churn 10/s
//   DURATION_S=150 node bench/soak.mjs                     a 2.5-minute run
//   STORE=sqlite node bench/soak.mjs                       the SQLite log (a temporary file); STORE=redis: Redis
//   SAMPLES_FILE=/tmp/soak.jsonl node bench/soak.mjs       every sample as a JSON line as well
// Redis: TIDINGS_BENCH_REDIS_URL (else TIDINGS_TEST_REDIS_URL, else redis://127.0.0.1:6379), key prefix
// tidings-bench:soak:PID: (deleted afterwards).
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { forkChild } from './shared/child-ipc.mjs';
import { startHub } from './shared/hub-process.mjs';
import { cpuTimeMs, machineBusyMs } from './shared/proc-stats.mjs';
import { publisherFor } from './shared/publisher.mjs';
import { deleteKeys, REDIS_URL, redisServerPid } from './shared/redis-keys.mjs';
import { flatnessVerdict } from './soak/flatness.mjs';
import { startHealthProbe } from './soak/health-probe.mjs';
import { hubMetrics, sampleHub } from './soak/hub-sample.mjs';
import { LatencyHistogram } from './soak/latency-histogram.mjs';

const env = (name, fallback) => Number(process.env[name] ?? fallback);
const SUBSCRIBERS = env('SUBSCRIBERS', 5000);
const WILDCARDS = env('WILDCARDS', 4);
const TOPICS = env('TOPICS', 100);
const RATE = env('RATE', 50);
const CHURN = env('CHURN', 10);
const DURATION_S = env('DURATION_S', 1800);
const WARMUP_S = env('WARMUP_S', Math.min(300, DURATION_S / 6));
const SAMPLE_S = env('SAMPLE_S', 10);
const TABLE_S = env('TABLE_S', Math.min(300, Math.max(SAMPLE_S, SAMPLE_S * Math.round(DURATION_S / 6 / SAMPLE_S))));
const HISTORY = env('HISTORY', Math.max(1000, RATE * 60));
const RECONNECT_MIN_MS = env('RECONNECT_MIN_MS', 100);
const RECONNECT_MAX_MS = env('RECONNECT_MAX_MS', 1000);
const SEED = env('SEED', 1);
const STORE = process.env.STORE ?? 'memory';
const FLAT_CHECK = process.env.FLAT_CHECK !== '0';
const SAMPLES_FILE = process.env.SAMPLES_FILE ?? null;
const HUB_NODE_ARGS = process.env.HUB_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
/** Largest RSS growth, last-quarter median / first-quarter median, that still counts as flat. */
const RSS_GROWTH_LIMIT = 1.1;
/** Largest growth of the open fds (5,000 subscribers: 50 more; churn moves the count by ~10). */
const FD_GROWTH_LIMIT = 1.01;
/** Largest growth of the event-loop delay (healthz p99 per sample). */
const DELAY_GROWTH_LIMIT = 2;
/** Delay medians under this count as this, ms: below it the shared machine's noise rules. */
const DELAY_FLOOR_MS = 5;
/** Subscriptions per load-generator process (the limit is 20,000 open files a process). */
const SUBSCRIBERS_PER_GENERATOR = 15_000;
/** How often the parent tells the generators the ids its publishes were answered with, ms. */
const ID_BATCH_MS = 1000;
/** The longest wait for the first connections, and for the hub to count them, ms. */
const CONNECT_TIMEOUT_MS = 120_000;
const TOPIC_BASE = 'https://soak.example/topics/';
const PAD = 'x'.repeat(48);
if (
  !(
    SUBSCRIBERS > WILDCARDS &&
    WILDCARDS >= 0 &&
    TOPICS >= 1 &&
    RATE > 0 &&
    CHURN >= 0 &&
    DURATION_S > 0 &&
    SAMPLE_S > 0 &&
    RECONNECT_MAX_MS >= RECONNECT_MIN_MS
  )
) {
  throw new TypeError('bad parameters: see the top of bench/soak.mjs');
}
if (!['memory', 'sqlite', 'redis'].includes(STORE)) throw new TypeError(`STORE=${STORE}: memory, sqlite or redis`);

const topicSubscribers = SUBSCRIBERS - WILDCARDS;
const deliveriesPerSecond = RATE * (topicSubscribers / TOPICS + WILDCARDS);
const now = () => performance.timeOrigin + performance.now();

/** The --store value, and how to clean up after it. */
function storeFor(kind) {
  if (kind === 'memory') return { spec: 'memory', cleanup: async () => {} };
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'tidings-bench-soak-'));
    return {
      spec: `sqlite:${join(dir, 'hub.db')}`,
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const prefix = `tidings-bench:soak:${process.pid}:`;
  const url = new URL(REDIS_URL);
  url.searchParams.set('prefix', prefix);
  return { spec: url.href, cleanup: () => deleteKeys(prefix) };
}

/** Publishes update 0, 1, 2, ... on RATE's schedule until `state.stop`; a late one goes at once. */
async function publishLoop(publish, state) {
  const started = performance.now();
  for (let g = 0; !state.stop; g++) {
    const wait = started + (g * 1000) / RATE - performance.now();
    if (wait > 0) await sleep(wait);
    else state.lagMaxMs = Math.max(state.lagMaxMs, -wait);
    const data = JSON.stringify({ seq: g, t: now(), pad: PAD });
    const t0 = performance.now();
    const answer = await publish(`${TOPIC_BASE}${g % TOPICS}`, data).catch((error) => ({
      status: error.code ?? 'error',
      body: '',
    }));
    state.latency.add(performance.now() - t0);
    if (answer.status === 200) state.ids[g] = answer.body;
    else {
      state.ids[g] = null;
      state.failures[answer.status] = (state.failures[answer.status] ?? 0) + 1;
    }
    state.published = g + 1;
  }
}

const subscriberSpecs = Array.from({ length: SUBSCRIBERS }, (_, i) => [
  i,
  i < WILDCARDS ? (i % 2 === 0 ? '*' : 'template') : (i - WILDCARDS) % TOPICS,
]);
const generatorCount = Math.ceil(SUBSCRIBERS / SUBSCRIBERS_PER_GENERATOR);

const store = storeFor(STORE);
const hub = await startHub(['--store', store.spec, '--history-size', String(HISTORY)], { nodeArgs: HUB_NODE_ARGS });
const hubBase = new URL(hub.hubUrl).origin;
const generators = Array.from({ length: generatorCount }, (_, n) =>
  forkChild(join(import.meta.dirname, 'soak', 'loadgen.mjs'), {
    HUB_URL: hub.hubUrl,
    TOPICS: String(TOPICS),
    TOPIC_BASE,
    RECONNECT_MIN_MS: String(RECONNECT_MIN_MS),
    RECONNECT_MAX_MS: String(RECONNECT_MAX_MS),
    SEED: String(SEED + n),
  }),
);
const publish = publisherFor(hub.hubUrl, { sockets: 1 });
let probe = null;
let cleaning = null;
async function cleanup() {
  cleaning ??= (async () => {
    probe?.stop();
    publish.close();
    for (const g of generators) g.child.kill();
    await hub.stop();
    await store.cleanup();
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    console.error(`\n${signal}: stopping the hub and the load generators`);
    await cleanup();
    process.exit(130);
  });
}

const all = (message, type) => Promise.all(generators.map((g) => g.ask(message, type)));
const sumOf = (replies, pick) => replies.reduce((n, r) => n + pick(r.counters), 0);
const mergeLatency = (replies) => {
  const histogram = new LatencyHistogram();
  for (const r of replies) histogram.merge(r.latency);
  return histogram;
};
const redisPid = STORE === 'redis' ? await redisServerPid().catch(() => null) : null;

async function main() {
  console.log(
    `${new Date().toISOString()}: node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores`,
  );
  console.log(
    `store ${STORE}, history ${HISTORY}; ${SUBSCRIBERS} subscribers (${WILDCARDS} on every topic, the others on one of ${TOPICS}) ` +
      `in ${generatorCount} load generator(s); ${RATE} updates/s → ${Math.round(deliveriesPerSecond)} deliveries/s; ` +
      `churn ${CHURN}/s, reconnect after ${RECONNECT_MIN_MS}-${RECONNECT_MAX_MS} ms; ${DURATION_S} s, warm-up ${WARMUP_S} s, ` +
      `a sample every ${SAMPLE_S} s; seed ${SEED}\n`,
  );
  await Promise.all(generators.map((g) => g.next('ready')));
  const connectStarted = performance.now();
  const connected = await Promise.all(
    generators.map((g, n) =>
      g.ask({ type: 'connect', subscribers: subscriberSpecs.filter(([i]) => i % generatorCount === n) }, 'connected'),
    ),
  );
  const live = connected.reduce((n, r) => n + r.live, 0);
  if (live !== SUBSCRIBERS) throw new Error(`only ${live} of ${SUBSCRIBERS} subscriptions opened`);
  // The hub has registered them all (a response head can go out before the registry counts it).
  const deadline = performance.now() + CONNECT_TIMEOUT_MS;
  while ((await hubMetrics(hubBase)).tidings_subscribers !== SUBSCRIBERS) {
    if (performance.now() > deadline) throw new Error('the hub does not count every subscriber');
    await sleep(100);
  }
  console.error(`${SUBSCRIBERS} subscriptions open in ${((performance.now() - connectStarted) / 1000).toFixed(1)} s`);

  const publishing = {
    stop: false,
    published: 0,
    ids: [],
    failures: {},
    lagMaxMs: 0,
    latency: new LatencyHistogram(),
  };
  let idsSent = 0;
  const sendIds = () => {
    const upTo = publishing.published;
    if (upTo === idsSent) return;
    const ids = publishing.ids.slice(idsSent, upTo);
    for (const g of generators) g.child.send({ type: 'ids', from: idsSent, ids });
    idsSent = upTo;
  };
  const idTimer = setInterval(sendIds, ID_BATCH_MS);
  probe = startHealthProbe(hubBase);
  const base = {
    hub: await sampleHub(hub.pid, hubBase),
    machineMs: machineBusyMs(),
    redisMs: redisPid === null ? 0 : cpuTimeMs(redisPid),
    self: process.cpuUsage(),
    generators: await all({ type: 'sample' }, 'sample'),
    atMs: performance.now(),
  };
  const started = base.atMs;
  const publishDone = publishLoop(publish, publishing);
  for (const g of generators) g.child.send({ type: 'churn', perSecond: CHURN / generatorCount });

  const samples = [];
  let previous = base;
  for (let k = 1; k * SAMPLE_S <= DURATION_S; k++) {
    const wait = started + k * SAMPLE_S * 1000 - performance.now();
    if (wait > 0) await sleep(wait);
    const hubNow = await sampleHub(hub.pid, hubBase);
    const gens = await all({ type: 'sample' }, 'sample');
    const point = {
      hub: hubNow,
      machineMs: machineBusyMs(),
      redisMs: redisPid === null ? 0 : cpuTimeMs(redisPid),
      self: process.cpuUsage(),
      generators: gens,
      atMs: performance.now(),
    };
    const { histogram: health, failures: probeFailures } = probe.take();
    const publishLatency = publishing.latency;
    publishing.latency = new LatencyHistogram();
    const sample = describe(previous, point, {
      startedMs: started,
      health,
      probeFailures,
      delivery: mergeLatency(gens),
      publishLatency,
      published: publishing.published,
    });
    samples.push(sample);
    previous = point;
    if (SAMPLES_FILE !== null) appendFileSync(SAMPLES_FILE, `${JSON.stringify(withoutHistograms(sample))}\n`);
    console.error(progressLine(sample));
  }

  // The end: no more churn; once everyone is live again, one more update per topic, then stop and count.
  const quiet = await all({ type: 'quiesce' }, 'quiet');
  const quietAt = publishing.published;
  while (publishing.published < quietAt + TOPICS) await sleep(50);
  publishing.stop = true;
  await publishDone;
  clearInterval(idTimer);
  sendIds();
  const total = publishing.published;
  const reports = await all({ type: 'end', total }, 'report');
  const hubEnd = await sampleHub(hub.pid, hubBase);
  const warnings = hub.warningCounts();
  return { samples, quiet, reports, total, publishing, hubEnd, base, warnings };
}

/** One sample's figures from two points (the window between them). */
function describe(from, to, { startedMs, health, probeFailures, delivery, publishLatency, published }) {
  const ms = to.atMs - from.atMs;
  const percent = (cpuMs) => (100 * cpuMs) / ms;
  const genCpuMs = sumOf(to.generators, (c) => c.cpuMs) - sumOf(from.generators, (c) => c.cpuMs);
  const hubCpuMs = to.hub.cpuMs - from.hub.cpuMs;
  const selfMs = (to.self.user + to.self.system - from.self.user - from.self.system) / 1000;
  const redisMs = to.redisMs - from.redisMs;
  const otherMs = to.machineMs - from.machineMs - hubCpuMs - genCpuMs - selfMs - redisMs;
  const reconnects = (c) => c.reconnects.end + c.reconnects.destroy + c.reconnects.reset;
  return {
    atS: (to.atMs - startedMs) / 1000,
    rssMiB: to.hub.rssKiB / 1024,
    fds: to.hub.fds,
    subscribers: to.hub.metrics.tidings_subscribers,
    live: sumOf(to.generators, (c) => c.live),
    healthP50: health.quantile(0.5),
    healthP99: health.quantile(0.99),
    healthMax: health.quantile(1),
    probes: health.count,
    probeFailures,
    deliveryP50: delivery.quantile(0.5),
    deliveryP99: delivery.quantile(0.99),
    deliveryMax: delivery.quantile(1),
    publishP99: publishLatency.quantile(0.99),
    deliveriesPerS:
      ((to.hub.metrics.tidings_events_delivered_total - from.hub.metrics.tidings_events_delivered_total) * 1000) / ms,
    receivedPerS: ((sumOf(to.generators, (c) => c.events) - sumOf(from.generators, (c) => c.events)) * 1000) / ms,
    hubCpu: percent(hubCpuMs),
    generatorCpu: percent(genCpuMs),
    otherCpu: Math.max(0, percent(otherMs)),
    reconnects: sumOf(to.generators, reconnects) - sumOf(from.generators, reconnects),
    published,
    losses: sumOf(to.generators, (c) => c.gaps + c.duplicates + c.extras + c.earliest + c.wrongIds),
    // Kept for the windows of the table (merged there), dropped from SAMPLES_FILE.
    histograms: { health, delivery },
    cumulative: { hubCpuMs: to.hub.cpuMs, genCpuMs: sumOf(to.generators, (c) => c.cpuMs), atMs: to.atMs },
  };
}
const withoutHistograms = ({ histograms, cumulative, ...rest }) => rest;
const f = (value, digits = 1) => (Number.isNaN(value) ? '-' : value.toFixed(digits));
const clock = (seconds) =>
  `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(Math.round(seconds % 60)).padStart(2, '0')}`;
const progressLine = (s) =>
  `${clock(s.atS)} subscribers ${s.subscribers} (live ${s.live}), RSS ${f(s.rssMiB)} MiB, fds ${s.fds}, ` +
  `healthz p50 ${f(s.healthP50, 2)} p99 ${f(s.healthP99, 2)} max ${f(s.healthMax, 2)} ms (${s.probes} probes, ${s.probeFailures} failed), ` +
  `delivery p50 ${f(s.deliveryP50, 2)} p99 ${f(s.deliveryP99, 2)} ms, ${f(s.deliveriesPerS, 0)} deliveries/s (${f(s.receivedPerS, 0)} received), ` +
  `hub CPU ${f(s.hubCpu)} %, generator ${f(s.generatorCpu)} %, other ${f(s.otherCpu)} %, ${s.reconnects} reconnects, ` +
  `publish p99 ${f(s.publishP99, 2)} ms, ${s.published} published, losses so far ${s.losses}`;

let result;
let exitCode = 1;
try {
  result = await main();
} catch (error) {
  console.error(`the soak failed: ${error.stack ?? error}`);
  console.error(`hub warnings: ${JSON.stringify(hub.warningCounts())}`);
  await cleanup();
  process.exit(1);
}
await cleanup();
{
  const { samples, quiet, reports, total, publishing, hubEnd, base, warnings } = result;
  // The table: one row per TABLE_S window (RSS, fds, subscribers at its end; latencies over all of it).
  console.log(
    '| time | subscribers | hub RSS MiB (window min–max) | hub fds | healthz p50 / p99 / max ms | delivery p50 / p99 / max ms | deliveries/s | hub CPU | load generator CPU | other CPU | reconnects |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  let from = { hubCpuMs: base.hub.cpuMs, genCpuMs: sumOf(base.generators, (c) => c.cpuMs), atMs: base.atMs };
  let window = [];
  for (const [i, sample] of samples.entries()) {
    window.push(sample);
    const last = i === samples.length - 1;
    // Window k holds the samples due in ((k - 1) · TABLE_S, k · TABLE_S] (sample j is due at j · SAMPLE_S;
    // it is taken a few ms later): the one due at 300 s ends the first window.
    const windowOf = (j) => Math.ceil(((j + 1) * SAMPLE_S) / TABLE_S - 1e-9);
    if (!last && windowOf(i) === windowOf(i + 1)) continue;
    const health = new LatencyHistogram();
    const delivery = new LatencyHistogram();
    for (const s of window) {
      health.merge(s.histograms.health);
      delivery.merge(s.histograms.delivery);
    }
    const to = sample.cumulative;
    const ms = to.atMs - from.atMs;
    const mean = (pick) => window.reduce((n, s) => n + pick(s), 0) / window.length;
    console.log(
      `| ${clock((i + 1) * SAMPLE_S)} | ${sample.subscribers} | ${f(sample.rssMiB)} (${f(Math.min(...window.map((s) => s.rssMiB)), 0)}–${f(Math.max(...window.map((s) => s.rssMiB)), 0)}) | ${sample.fds} | ` +
        `${f(health.quantile(0.5), 2)} / ${f(health.quantile(0.99), 2)} / ${f(health.quantile(1), 1)} | ` +
        `${f(delivery.quantile(0.5), 2)} / ${f(delivery.quantile(0.99), 2)} / ${f(delivery.quantile(1), 1)} | ` +
        `${f(
          mean((s) => s.deliveriesPerS),
          0,
        )} | ${f((100 * (to.hubCpuMs - from.hubCpuMs)) / ms)} % | ` +
        `${f((100 * (to.genCpuMs - from.genCpuMs)) / ms)} % | ${f(
          mean((s) => s.otherCpu),
          0,
        )} % | ` +
        `${window.reduce((n, s) => n + s.reconnects, 0)} |`,
    );
    from = to;
    window = [];
  }

  const sum = (pick) => sumOf(reports, pick);
  const top = (pick) => reports.reduce((n, r) => n + pick(r), 0);
  const startMetrics = base.hub.metrics;
  const m = hubEnd.metrics;
  const reconnects = {
    end: sum((c) => c.reconnects.end),
    destroy: sum((c) => c.reconnects.destroy),
    reset: sum((c) => c.reconnects.reset),
  };
  const failures = {};
  for (const r of reports)
    for (const [why, n] of Object.entries(r.counters.failures)) failures[why] = (failures[why] ?? 0) + n;
  const publishFailures = Object.values(publishing.failures).reduce((a, b) => a + b, 0);
  const losses = {
    gaps: sum((c) => c.gaps),
    duplicates: sum((c) => c.duplicates),
    extras: sum((c) => c.extras),
    'wrong ids': sum((c) => c.wrongIds),
    '`earliest` replays': sum((c) => c.earliest),
    'bad replay events': sum((c) => c.badReplay),
    'failed connects': sum((c) => c.failedConnects),
    'failed reconnects': sum((c) => c.failedReconnects),
    'streams the hub ended unasked': sum((c) => c.unexpectedCloses),
    'FINs the hub did not close': sum((c) => c.finNotClosed),
    'slow-subscriber disconnects': m.tidings_slow_subscriber_disconnects_total,
    'refused publishes': publishFailures,
    'subscribers not live after the churn stopped': SUBSCRIBERS - quiet.reduce((n, q) => n + q.counters.live, 0),
    'updates missing at the end': top((r) => r.missingAtEnd),
    'ids never confirmed': top((r) => r.unresolvedIds),
  };
  const expectedEvents = (() => {
    // Every update reaches every wildcard subscriber and the subscribers of its topic.
    let n = 0;
    for (let t = 0; t < TOPICS; t++) {
      const updates = Math.max(0, Math.ceil((total - t) / TOPICS));
      const subs = Math.floor(topicSubscribers / TOPICS) + (t < topicSubscribers % TOPICS ? 1 : 0);
      n += updates * subs;
    }
    return n + total * WILDCARDS;
  })();
  const received = sum((c) => c.events);
  const replaysAsked = m.tidings_replays_total - startMetrics.tidings_replays_total;
  const reconnectsDone = reconnects.end + reconnects.destroy + reconnects.reset;
  console.log(
    `\n${new Date().toISOString()}: ${total} updates published (${publishFailures} refused${publishFailures ? ` ${JSON.stringify(publishing.failures)}` : ''}, ` +
      `latest ${f(publishing.lagMaxMs, 0)} ms behind schedule); ${received} events received and checked ` +
      `(${expectedEvents} expected: every update to every subscriber of it, once); reconnects ${reconnectsDone} (end ${reconnects.end}, destroy ${reconnects.destroy}, ` +
      `reset ${reconnects.reset}), replay events ${sum((c) => c.replayEvents)}, replays the hub counted ${replaysAsked}; ` +
      `hub subscriptions opened ${m.tidings_subscriptions_total}; failures ${JSON.stringify(failures)}; ` +
      `hub warnings ${JSON.stringify(warnings)}`,
  );
  const lossCount = Object.values(losses).reduce((a, b) => a + b, 0);
  console.log(
    `Nothing lost: ${lossCount === 0 ? 'yes' : 'NO'} — ${Object.entries(losses)
      .map(([name, n]) => `${name} ${n}`)
      .join(', ')}`,
  );

  const verdict = flatnessVerdict(samples, {
    warmupS: WARMUP_S,
    figures: [
      { name: 'hub RSS MiB', pick: (s) => s.rssMiB, limit: RSS_GROWTH_LIMIT },
      { name: 'hub open fds', pick: (s) => s.fds, limit: FD_GROWTH_LIMIT },
      {
        name: 'event-loop delay: healthz p99 ms',
        pick: (s) => s.healthP99,
        limit: DELAY_GROWTH_LIMIT,
        floor: DELAY_FLOOR_MS,
      },
      { name: 'healthz p50 ms', pick: (s) => s.healthP50, limit: null },
      { name: 'delivery p99 ms', pick: (s) => s.deliveryP99, limit: null },
      { name: 'hub CPU %', pick: (s) => s.hubCpu, limit: null },
    ],
  });
  console.log(
    `\nFlat? After the ${WARMUP_S} s warm-up ${verdict.used} samples; first ${verdict.quarter ?? '-'} against last ${verdict.quarter ?? '-'} (medians):`,
  );
  console.log('| figure | first quarter | last quarter | ratio | limit | verdict |');
  console.log('| --- | ---: | ---: | ---: | ---: | --- |');
  for (const row of verdict.rows) {
    console.log(
      `| ${row.name} | ${f(row.first, 2)} | ${f(row.last, 2)} | ${f(row.ratio, 3)} | ${row.limit === null ? '-' : row.limit} | ${row.limit === null ? '(not judged)' : row.ok ? 'flat' : 'GROWS'} |`,
    );
  }
  const flat = verdict.ok === true;
  console.log(
    `\nVerdict: ${lossCount === 0 ? 'nothing lost' : `LOSS (${lossCount})`}; ${
      verdict.ok === null ? 'too few samples to judge flatness' : flat ? 'RSS, fds and delay flat' : 'GROWTH'
    }${FLAT_CHECK ? '' : ' (FLAT_CHECK=0: flatness not judged)'}`,
  );
  exitCode = lossCount === 0 && (!FLAT_CHECK || flat) ? 0 : 1;
}
process.exit(exitCode);
