#!/usr/bin/env node
// Two-node throughput: two `tidings hub` processes on one Redis store and key prefix (a cluster that acts
// as one hub) beside one hub on Redis and one hub on memory, under the same closed-loop publish load.
//
// Method. Per round and setup, fresh hub processes (the built CLI; memory: --store memory; redis and
// cluster: --store redis://...?prefix=P with a prefix of the run's own, deleted afterwards). A load-generator
// process of its own (bench/cluster/loadgen.mjs) opens SUBSCRIBERS streams on one topic from 100 source
// addresses (cluster: subscriber i on node i % 2, so half on each). Then PUBLISHERS publish loops in this
// process (node:http, keep-alive; cluster: publisher j on node j % 2) each POST the next update as soon as
// the previous one got its answer, each update carrying its publisher, its number and its publish time in
// its JSON data (~100 B). WARMUP_SECONDS of that are not counted, then SECONDS are: publishes answered 200 in
// the window, deliveries the generator received in it (per node), publish->receive latency of those
// (p50/p99/max, from the time in the data), each hub's CPU time over the window (/proc/PID/stat, 10 ms ticks)
// per delivery to its own subscribers, redis-server's CPU (the machine's shared Redis: other clients count
// too), the generator's and the publishers' CPU as % of one core, and what else kept the machine busy
// (/proc/stat's busy time, steal included, minus all of the above: the machines are shared). After the
// window the publishers stop and the generator gets up to SETTLE_SECONDS to receive everything, then
// checks every subscriber: every update
// that was answered 200 (warm-up included) exactly once, nothing else, in the same order as the reference
// subscriber (first on node 1), each publisher's updates in its own order, ids as the publishers were told,
// and the first subscriber of each node in exactly the reference order. The run exits 1 on any violation.
// The setups alternate within each round; the table gives medians of ROUNDS rounds and ratios.
//
//   npm run build && node bench/cluster.mjs     SUBSCRIBERS=1000 PUBLISHERS=4 SECONDS=10 ROUNDS=3 by default
//   SETUPS=cluster node bench/cluster.mjs        a subset of memory, redis, cluster
//   RATE=40 node bench/cluster.mjs               at most 40 publishes/s in all (a load below saturation)
//   HUB_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' node bench/cluster.mjs   profile the hubs
import { cpus } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { forkChild } from './shared/child-ipc.mjs';
import { startHub } from './shared/hub-process.mjs';
import { cpuTimeMs, machineBusyMs, median, rssKiB } from './shared/proc-stats.mjs';
import { publisherFor } from './shared/publisher.mjs';
import { deleteKeys, REDIS_URL, redisServerPid } from './shared/redis-keys.mjs';

const SUBSCRIBERS = Number(process.env.SUBSCRIBERS ?? 1000);
const PUBLISHERS = Number(process.env.PUBLISHERS ?? 4);
const SECONDS = Number(process.env.SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.WARMUP_SECONDS ?? 2);
const SETTLE_SECONDS = Number(process.env.SETTLE_SECONDS ?? 10);
/** Publishes per second over all publishers at most; 0: none (each publishes again as soon as answered). */
const RATE = Number(process.env.RATE ?? 0);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const SETUPS = (process.env.SETUPS ?? 'memory,redis,cluster').split(',');
const HUB_NODE_ARGS = process.env.HUB_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
/** Publishes per publisher at most (a bound beside the time; keys are publisher * 1e7 + number). */
const MAX_PER_PUBLISHER = 1_000_000;
const TOPIC = 'https://bench.example/cluster';
const PAD = 'x'.repeat(48);
const LABELS = {
  memory: 'one hub, memory',
  redis: 'one hub, Redis',
  cluster: 'two hubs, one Redis (cluster)',
};
if (!(SUBSCRIBERS >= 2 && PUBLISHERS >= 1 && SECONDS > 0 && WARMUP_SECONDS >= 0 && ROUNDS >= 1))
  throw new TypeError('bad parameters');
for (const setup of SETUPS)
  if (!(setup in LABELS)) throw new TypeError(`unknown setup ${setup} (memory, redis, cluster)`);

let runs = 0;
const sumOf = (values) => values.reduce((a, b) => a + b, 0);

async function startHubs(setup) {
  if (setup === 'memory')
    return { hubs: [await startHub(['--store', 'memory'], { nodeArgs: HUB_NODE_ARGS })], prefix: null };
  const prefix = `tidings-bench:cluster:${process.pid}:${runs++}:`;
  const url = new URL(REDIS_URL);
  url.searchParams.set('prefix', prefix);
  const count = setup === 'cluster' ? 2 : 1;
  const hubs = await Promise.all(
    Array.from({ length: count }, () => startHub(['--store', url.href], { nodeArgs: HUB_NODE_ARGS })),
  );
  return { hubs, prefix };
}

/** PUBLISHERS closed loops until `stop()`; `accepted`: [[key, id, answeredAt]] in answer order. */
function startPublishers(hubs) {
  const publishers = hubs.map((hub) => publisherFor(hub.hubUrl, { sockets: Math.ceil(PUBLISHERS / hubs.length) }));
  const accepted = [];
  const refused = {};
  let stopped = false;
  const started = performance.now();
  const loop = async (p) => {
    const publish = publishers[p % publishers.length];
    for (let k = 0; k < MAX_PER_PUBLISHER && !stopped; k++) {
      if (RATE > 0) {
        // Capped: publisher p's k-th update is due at (k * PUBLISHERS + p) / RATE seconds, and never
        // before the previous one's answer.
        const due = started + ((k * PUBLISHERS + p) * 1000) / RATE;
        if (due > performance.now()) await sleep(due - performance.now());
        if (stopped) break;
      }
      const t = performance.timeOrigin + performance.now();
      const data = `{"p":${p},"k":${k},"t":${t},"pad":"${PAD}"}`;
      const answer = await publish(TOPIC, data).catch((error) => ({ status: error.code ?? 'error', body: '' }));
      if (answer.status === 200) accepted.push([p * 1e7 + k, answer.body, performance.now()]);
      else refused[answer.status] = (refused[answer.status] ?? 0) + 1;
    }
  };
  const loops = Array.from({ length: PUBLISHERS }, (_, p) => loop(p));
  return {
    accepted,
    refused,
    async stop() {
      stopped = true;
      await Promise.all(loops);
      for (const publish of publishers) publish.close();
    },
  };
}

const cpuOfSelf = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

async function measure(setup) {
  const { hubs, prefix } = await startHubs(setup);
  let load = null;
  let publishers = null;
  try {
    const topicQuery = `?topic=${encodeURIComponent(TOPIC)}`;
    load = forkChild(join(import.meta.dirname, 'cluster', 'loadgen.mjs'), {
      URLS: hubs.map((hub) => hub.hubUrl + topicQuery).join(','),
      SUBSCRIBERS: String(SUBSCRIBERS),
    });
    const connected = await load.next('connected');
    if (connected.failures > 0) throw new Error(`${connected.failures} of ${SUBSCRIBERS} subscriptions failed`);
    const redisPid = prefix === null ? null : await redisServerPid().catch(() => null);
    publishers = startPublishers(hubs);
    await sleep(WARMUP_SECONDS * 1000);
    await load.ask({ type: 'start' }, 'started');
    const cpu0 = hubs.map((hub) => cpuTimeMs(hub.pid));
    const redisCpu0 = redisPid === null ? 0 : cpuTimeMs(redisPid);
    const selfCpu0 = cpuOfSelf();
    const machine0 = machineBusyMs();
    const windowStart = performance.now();
    await sleep(SECONDS * 1000);
    const windowEnd = performance.now();
    const hubCpuMs = hubs.map((hub, i) => cpuTimeMs(hub.pid) - cpu0[i]);
    const redisCpuMs = redisPid === null ? Number.NaN : cpuTimeMs(redisPid) - redisCpu0;
    const selfCpuMs = cpuOfSelf() - selfCpu0;
    const machineMs = machineBusyMs() - machine0;
    const publisherCpuPercent = (100 * selfCpuMs) / (windowEnd - windowStart);
    const window = await load.ask({ type: 'stop' }, 'stopped');
    // Whatever else kept the machine busy meanwhile (other users of the shared machine), % of one core.
    const loadCpuMs = (window.cpuPercent / 100) * window.seconds * 1000;
    const ours = sumOf(hubCpuMs) + (Number.isNaN(redisCpuMs) ? 0 : redisCpuMs) + selfCpuMs + loadCpuMs;
    const otherCpuPercent = Math.max(0, (100 * (machineMs - ours)) / (windowEnd - windowStart));
    await publishers.stop();
    const inWindow = publishers.accepted.filter(([, , at]) => at >= windowStart && at < windowEnd).length;
    const expected = publishers.accepted.length * SUBSCRIBERS;
    const settleUntil = performance.now() + SETTLE_SECONDS * 1000;
    let received = 0;
    while (performance.now() < settleUntil) {
      received = (await load.ask({ type: 'count' }, 'count')).events;
      if (received >= expected) break;
      await sleep(50);
    }
    const check = await load.ask(
      { type: 'verify', accepted: publishers.accepted.map(([key, id]) => [key, id]) },
      'verified',
    );
    const seconds = window.seconds;
    const deliveries = window.delivered.reduce((a, b) => a + b, 0);
    return {
      publishesPerSecond: inWindow / ((windowEnd - windowStart) / 1000),
      deliveriesPerSecond: deliveries / seconds,
      p50: window.p50,
      p99: window.p99,
      max: window.max,
      cpuUsPerDelivery: hubs.map((_, i) => (hubCpuMs[i] * 1000) / window.delivered[i]),
      cpuUsPerAllDeliveries: (sumOf(hubCpuMs) * 1000) / deliveries,
      eventsPerWrite: deliveries / sumOf(window.writes),
      hubCpuPercent: hubCpuMs.map((ms) => (100 * ms) / (windowEnd - windowStart)),
      rssMiB: hubs.map((hub) => rssKiB(hub.pid) / 1024),
      redisCpuPercent: (100 * redisCpuMs) / (windowEnd - windowStart),
      loadCpuPercent: window.cpuPercent,
      loadSystemPercent: window.systemPercent,
      publisherCpuPercent,
      otherCpuPercent,
      refused: publishers.refused,
      warnings: hubs.map((hub) => hub.warningCounts()),
      check,
    };
  } finally {
    await publishers?.stop();
    load?.child.kill();
    await Promise.all(hubs.map((hub) => hub.stop()));
    if (prefix !== null) await deleteKeys(prefix);
  }
}

const violationsOf = ({ check: c }) =>
  c.missing +
  c.duplicates +
  c.extras +
  c.orderViolations +
  c.publisherInversions +
  c.wrongIds +
  c.failed +
  c.disconnected +
  c.unparsed +
  (c.nodeOrdersEqual ? 0 : 1);

console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores`);
console.log(
  `${SUBSCRIBERS} subscribers on one topic, ${PUBLISHERS} closed-loop publishers${RATE > 0 ? ` (at most ${RATE} publishes/s in all)` : ''}, ` +
    `${WARMUP_SECONDS} s warm-up then ${SECONDS} s measured, ${ROUNDS} rounds\n`,
);
const results = Object.fromEntries(SETUPS.map((setup) => [setup, []]));
for (let round = 0; round < ROUNDS; round++) {
  const order = SETUPS.map((_, i) => SETUPS[(i + round) % SETUPS.length]);
  for (const setup of order) {
    const r = await measure(setup);
    results[setup].push(r);
    const c = r.check;
    console.error(
      `round ${round + 1} ${setup}: ${r.publishesPerSecond.toFixed(0)} publishes/s, ${r.deliveriesPerSecond.toFixed(0)} deliveries/s, ` +
        `p50 ${r.p50.toFixed(1)} p99 ${r.p99.toFixed(1)} max ${r.max.toFixed(1)} ms, hub CPU µs/delivery ${r.cpuUsPerDelivery.map((v) => v.toFixed(2)).join(' + ')}, ` +
        `hub CPU ${r.hubCpuPercent.map((v) => v.toFixed(0)).join(' + ')} %, events/write ${r.eventsPerWrite.toFixed(2)}, RSS ${r.rssMiB.map((v) => v.toFixed(0)).join(' + ')} MiB, ` +
        `redis ${Number.isNaN(r.redisCpuPercent) ? '-' : r.redisCpuPercent.toFixed(0)} %, load ${r.loadCpuPercent.toFixed(0)} % (kernel ${r.loadSystemPercent.toFixed(0)} %), publishers ${r.publisherCpuPercent.toFixed(0)} %, everything else on the machine ${r.otherCpuPercent.toFixed(0)} %; ` +
        `accepted ${c.accepted}, complete ${c.complete}/${SUBSCRIBERS}, missing ${c.missing}, duplicates ${c.duplicates}, extras ${c.extras}, ` +
        `order violations ${c.orderViolations}, publisher inversions ${c.publisherInversions}, wrong ids ${c.wrongIds}, node orders equal ${c.nodeOrdersEqual}, ` +
        `failed ${c.failed}, disconnected ${c.disconnected}, unparsed ${c.unparsed}; refused ${JSON.stringify(r.refused)}; hub warnings ${JSON.stringify(r.warnings)}`,
    );
  }
}

const m = (setup, pick) => median(results[setup].map(pick));
console.log(
  '| setup | publishes/s | deliveries/s | p50 ms | p99 ms | max ms | hub CPU µs/delivery (per node) | hub CPU % (per node) | Redis CPU | load generator CPU | publishers CPU | other CPU on the machine | complete subscribers | missing, dups, extras, order, wrong ids, disconnected |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
let violations = 0;
for (const setup of SETUPS) {
  const rs = results[setup];
  const nodes = rs[0].cpuUsPerDelivery.length;
  const perNode = (pick, digits) =>
    Array.from({ length: nodes }, (_, i) => m(setup, (r) => pick(r)[i]))
      .map((v) => v.toFixed(digits))
      .join(' + ');
  const sum = (pick) => sumOf(rs.map((r) => pick(r.check)));
  violations += sumOf(rs.map(violationsOf));
  const redisCpu = m(setup, (r) => r.redisCpuPercent);
  console.log(
    `| ${LABELS[setup]} | ${m(setup, (r) => r.publishesPerSecond).toFixed(0)} | ${m(setup, (r) => r.deliveriesPerSecond).toFixed(0)} | ` +
      `${m(setup, (r) => r.p50).toFixed(1)} | ${m(setup, (r) => r.p99).toFixed(1)} | ${m(setup, (r) => r.max).toFixed(1)} | ` +
      `${perNode((r) => r.cpuUsPerDelivery, 2)} | ${perNode((r) => r.hubCpuPercent, 0)} % | ${Number.isNaN(redisCpu) ? '-' : `${redisCpu.toFixed(0)} %`} | ` +
      `${m(setup, (r) => r.loadCpuPercent).toFixed(0)} % | ${m(setup, (r) => r.publisherCpuPercent).toFixed(0)} % | ${m(setup, (r) => r.otherCpuPercent).toFixed(0)} % | ` +
      `${sum((c) => c.complete)}/${SUBSCRIBERS * rs.length} | ${sum((c) => c.missing)}, ${sum((c) => c.duplicates)}, ${sum((c) => c.extras)}, ` +
      `${sum((c) => c.orderViolations + c.publisherInversions + (c.nodeOrdersEqual ? 0 : 1))}, ${sum((c) => c.wrongIds)}, ${sum((c) => c.disconnected + c.failed)} |`,
  );
}
const ratio = (a, b, pick) => (SETUPS.includes(a) && SETUPS.includes(b) ? (m(a, pick) / m(b, pick)).toFixed(2) : '-');
/** All hubs' CPU over the window per delivery (for a cluster: both nodes' CPU over both nodes' deliveries). */
const cpuPerDelivery = (r) => r.cpuUsPerAllDeliveries;
const deliveriesPerSecond = (r) => r.deliveriesPerSecond;
const publishesPerSecond = (r) => r.publishesPerSecond;
const p99 = (r) => r.p99;
console.log('\n| ratio | publishes/s | deliveries/s | hub CPU µs/delivery (all nodes) | p99 |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const [a, b] of [
  ['cluster', 'redis'],
  ['cluster', 'memory'],
  ['redis', 'memory'],
]) {
  console.log(
    `| ${a} / ${b} | ${ratio(a, b, publishesPerSecond)} | ${ratio(a, b, deliveriesPerSecond)} | ${ratio(a, b, cpuPerDelivery)} | ${ratio(a, b, p99)} |`,
  );
}
console.log(
  violations === 0
    ? '\nEvery subscriber got every accepted update exactly once, in one order on every node.'
    : `\nVIOLATIONS: ${violations} (see the last column and the per-round lines on stderr)`,
);
process.exit(violations === 0 ? 0 : 1);
