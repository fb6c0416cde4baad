#!/usr/bin/env node
// Fan-out: one publisher, many event-stream subscribers. @tidings/server and the Tidings hub beside
// better-sse (npm), the seed articles' hand-written server (a Set of responses written in a loop) and nchan
// (nginx + libnginx-mod-nchan from Debian, when installed).
//
// Method. The servers run one at a time, each a process of its own (bench/fanout/server-*.mjs; nchan from a
// generated nginx.conf, one process, no master). The load generator is another process
// (bench/fanout/loadgen.mjs): it opens CONNECTIONS streams from 100 source addresses and measures each
// event's latency from the publish time carried in its JSON data. Steps per server:
//   1. read the server's RSS; open the streams; wait 1 s; read the RSS again: idle memory per connection;
//   2. publish RATE events per second for WARMUP_SECONDS (default 3) of warm-up, not counted, then for
//      SECONDS seconds; each event is a POST of ~100 B of JSON carrying its publish time (nchan: to its
//      publisher location; the others: POST /publish, which broadcasts);
//   3. wait until every subscriber has every event (at most 5 s more); read the server's CPU time
//      (/proc/PID/stat) before and after: server CPU per delivered event. That time comes in clock ticks
//      (10 ms): a run much smaller than the default gives coarse CPU figures.
// Reported: deliveries per second, server CPU µs per delivery, latency p50/p99/max, server RSS at the end,
// idle KiB per connection, and the load generator's CPU as % of one core over the window: near 100 % it,
// not the server, sets the pace, and the row says more about it than about the server.
//
//   npm run build && node bench/fanout.mjs            CONNECTIONS=2000 RATE=20 SECONDS=10 by default
//   ONLY=tidings,seed node bench/fanout.mjs           a subset of the servers
//   SERVER_NODE_ARGS=--prof node bench/fanout.mjs     node flags for the Node servers (a V8 profile here)
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { NCHAN_INSTALL_HINT, hasNchan as nchanInstalled, startNchan } from './shared/nchan.mjs';
import { startNodeServer } from './shared/node-server.mjs';
import { cpuTimeMs, rssKiB } from './shared/proc-stats.mjs';

const CONNECTIONS = Number(process.env.CONNECTIONS ?? 2000);
const RATE = Number(process.env.RATE ?? 20);
const SECONDS = Number(process.env.SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.WARMUP_SECONDS ?? 3);
const HERE = join(import.meta.dirname, 'fanout');

const NODE_SERVERS = {
  tidings: { label: '@tidings/server (channel)', script: 'server-tidings.mjs' },
  hub: { label: 'Tidings hub (hub.publish)', script: 'server-hub.mjs' },
  'better-sse': { label: 'better-sse 0.16', script: 'server-better-sse.mjs' },
  seed: { label: 'hand-written (seed articles)', script: 'server-seed.mjs' },
};

/** Starts a server; resolves { pid, subscribeUrl, publishUrl, stop }. */
async function startServer(name) {
  const nodeArgs = process.env.SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  // nchan keeps no message for replay here (buffer length 0), as the other servers keep none.
  const server =
    name === 'nchan'
      ? await startNchan({ messageBufferLength: 0 })
      : await startNodeServer(join(HERE, NODE_SERVERS[name].script), { nodeArgs });
  return {
    pid: server.pid,
    subscribeUrl: `http://127.0.0.1:${server.port}/events`,
    publishUrl: `http://127.0.0.1:${server.port}/publish`,
    stop: () => server.stop(),
  };
}

/** Starts the load generator; resolves it once every stream is open. */
async function startLoad(url) {
  const child = spawn(process.execPath, [join(HERE, 'loadgen.mjs')], {
    env: { ...process.env, URL: url, CONNECTIONS: String(CONNECTIONS) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = () => new Promise((resolve) => child.once('message', resolve));
  const ready = await next();
  const ask = async (message) => {
    child.send(message);
    return next();
  };
  return { ready, ask };
}

/** POSTs RATE events per second for `seconds`, each carrying its publish time. */
async function publish(url, seconds) {
  const started = performance.now();
  const pad = 'x'.repeat(64);
  for (let seq = 0; seq < RATE * seconds; seq++) {
    // On a schedule, not after each answer: a slow server does not slow the publisher down.
    const due = started + (seq * 1000) / RATE;
    if (due > performance.now()) await sleep(due - performance.now());
    const data = JSON.stringify({ t: performance.timeOrigin + performance.now(), seq, pad });
    fetch(url, { method: 'POST', body: data }).then(
      (answer) => answer.arrayBuffer(),
      (error) => console.error(`publish failed: ${error.message}`),
    );
  }
}

/** Waits until the generator has received `expected` events, or 5 s more. */
async function settle(load, expected) {
  const deadline = performance.now() + 5000;
  while (performance.now() < deadline && (await load.ask('count')).events < expected) await sleep(20);
}

async function measure(name) {
  const server = await startServer(name);
  try {
    const rssBefore = rssKiB(server.pid);
    const load = await startLoad(server.subscribeUrl);
    if (load.ready.failures > 0) throw new Error(`${load.ready.failures} of ${CONNECTIONS} streams failed to open`);
    await sleep(1000);
    const rssIdle = rssKiB(server.pid);
    // Warm-up: the same load for WARMUP_SECONDS, not counted, so that no JIT compilation (server or
    // generator) lands in the figures.
    await load.ask('start');
    await publish(server.publishUrl, WARMUP_SECONDS);
    await settle(load, WARMUP_SECONDS * RATE * CONNECTIONS);
    await load.ask('start');
    const cpuBefore = cpuTimeMs(server.pid);
    const started = performance.now();
    await publish(server.publishUrl, SECONDS);
    const expected = RATE * SECONDS * CONNECTIONS;
    await settle(load, expected);
    const elapsedS = (performance.now() - started) / 1000;
    const cpuMs = cpuTimeMs(server.pid) - cpuBefore;
    const report = await load.ask('report');
    return {
      deliveries: report.events,
      expected,
      perSecond: report.events / elapsedS,
      cpuUsPerDelivery: (cpuMs * 1000) / report.events,
      p50: report.p50,
      p99: report.p99,
      max: report.max,
      rssMiB: rssKiB(server.pid) / 1024,
      idleKiBPerConnection: (rssIdle - rssBefore) / CONNECTIONS,
      loadCpuPercent: (report.cpuMs / (elapsedS * 1000)) * 100,
    };
  } finally {
    await server.stop();
  }
}

const hasNchan = nchanInstalled();
const only = process.env.ONLY?.split(',');
const names = [...Object.keys(NODE_SERVERS), 'nchan'].filter((name) => !only || only.includes(name));
console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores`);
console.log(
  `${CONNECTIONS} subscribers, ${RATE} events/s for ${SECONDS} s (${RATE * CONNECTIONS} deliveries/s asked)\n`,
);
console.log(
  '| server | delivered | deliveries/s | server CPU µs/delivery | p50 ms | p99 ms | max ms | RSS MiB | idle KiB/conn | load generator CPU |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const name of names) {
  const label = name === 'nchan' ? 'nchan (nginx)' : NODE_SERVERS[name].label;
  if (name === 'nchan' && !hasNchan) {
    console.log(`| ${label} | not installed: ${NCHAN_INSTALL_HINT} | | | | | | | | |`);
    continue;
  }
  const r = await measure(name);
  const share = `${((100 * r.deliveries) / r.expected).toFixed(1)} %`;
  console.log(
    `| ${label} | ${share} | ${r.perSecond.toFixed(0)} | ${r.cpuUsPerDelivery.toFixed(2)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.max.toFixed(1)} | ${r.rssMiB.toFixed(0)} | ${r.idleKiBPerConnection.toFixed(1)} | ${r.loadCpuPercent.toFixed(0)} % |`,
  );
}
