// One measurement: one server, one scenario, from a fresh server process to its end (the steps are
// listed at the top of bench/delivery.mjs).
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuTimeMs, peakRssKiB, rssKiB } from '../shared/proc-stats.mjs';
import { startPublisher } from './publisher.mjs';
import { openSubscribers } from './subscribers.mjs';

/** Waiting for the last deliveries ends when nothing more arrived for this long (a server that lost some). */
const STALL_MS = 3_000;
/** ... or after this long in all. */
const SETTLE_MAX_MS = Number(process.env.SETTLE_SECONDS ?? 60) * 1000;
/** Waiting for the server's RSS to settle after the streams opened (its allocations are lazy). */
const IDLE_WAIT_MS = 1_000;

/** Waits until the subscribers have `expected` events: { complete, ms, events }. */
export async function settle(subscribers, expected) {
  const started = performance.now();
  let last = -1;
  let lastChange = started;
  for (;;) {
    const { events } = await subscribers.count();
    const now = performance.now();
    if (events >= expected) return { complete: true, ms: now - started, events };
    if (events !== last) {
      last = events;
      lastChange = now;
    }
    if (now - lastChange > STALL_MS || now - started > SETTLE_MAX_MS)
      return { complete: false, ms: now - started, events };
    await sleep(20);
  }
}

const sleepUntil = (at) => sleep(Math.max(0, at - Date.now()));

/**
 * `scenario`: { subscribers, rate (0: maximum load), bytes, idleOnly, backlog }; `timing`: { seconds,
 * warmupSeconds }. Resolves the figures (see the fields below).
 */
export async function measure(binary, server, scenario, { seconds, warmupSeconds }) {
  const n = scenario.subscribers;
  const s = await server.start();
  const target = { port: s.port };
  let subscribers;
  let publisher;
  try {
    const rssBefore = rssKiB(s.pid);
    subscribers = await openSubscribers(binary, { ...target, path: s.subscribePath }, n);
    await sleep(IDLE_WAIT_MS);
    const rssIdle = rssKiB(s.pid);
    const idle = { rssBeforeKiB: rssBefore, rssIdleKiB: rssIdle, idleKiBPerConnection: (rssIdle - rssBefore) / n };
    if (scenario.idleOnly) return { idle, peakRssKiB: peakRssKiB(s.pid) };
    publisher = await startPublisher(binary, { ...target, path: s.publishPath }, scenario.bytes);
    // Warm-up: the same load, not counted, so that no JIT compilation (server or generator) lands in the
    // figures; then every warm-up event is delivered before the window starts.
    if (warmupSeconds > 0) {
      const warm = await publisher.run(warmupSeconds, scenario.rate).done;
      const warmed = await settle(subscribers, warm.published * n);
      if (!warmed.complete) throw new Error(`warm-up: ${warmed.events} of ${warm.published * n} delivered`);
    }
    await subscribers.start();
    const cpuBefore = cpuTimeMs(s.pid);
    const startedAt = Date.now(); // the wall clock the generators' times are on
    const rssStartKiB = rssKiB(s.pid);
    const run = publisher.run(seconds, scenario.rate);
    let backlog = null;
    if (scenario.backlog) {
      // How far behind the schedule the subscribers are half-way and when the schedule ends (events due by
      // then minus events received, per subscriber: a server that keeps up stays a steady event or two
      // behind), the latency over the first and the last `w` seconds, and the RSS at the end.
      const w = Math.min(1, seconds / 4);
      const intervalMs = 1000 / scenario.rate;
      const total = Math.round(seconds * scenario.rate);
      const behindSchedule = async () => {
        const due = Math.min(total, Math.floor((Date.now() - startedAt) / intervalMs) + 1);
        const { events } = await subscribers.count();
        return due - events / n;
      };
      await sleepUntil(startedAt + w * 1000);
      const first = await subscribers.report();
      await sleepUntil(startedAt + (seconds / 2) * 1000);
      const behindMid = await behindSchedule();
      await sleepUntil(startedAt + (seconds - w) * 1000);
      await subscribers.report(); // the histogram restarts: the next report is the last `w` seconds
      await sleepUntil(startedAt + seconds * 1000);
      const behindEnd = await behindSchedule();
      const last = await subscribers.report();
      backlog = { windowSeconds: w, first, last, behindMid, behindEnd, rssEndKiB: rssKiB(s.pid) };
    }
    const done = await run.done;
    const expected = done.published * n;
    const settled = await settle(subscribers, expected);
    const cpuMs = cpuTimeMs(s.pid) - cpuBefore;
    const report = await subscribers.report();
    const elapsedMs = Date.now() - startedAt;
    const deliveryMs = report.lastAt - startedAt;
    if (backlog) backlog.lastDeliveryAfterMs = report.lastAt - (startedAt + seconds * 1000);
    return {
      idle,
      published: done.published,
      failedPublishes: done.failed,
      publishError: done.error,
      late: done.late,
      events: report.events,
      expected,
      deliveredShare: expected > 0 ? report.events / expected : Number.NaN,
      drainMs: settled.complete ? settled.ms : null,
      perSecond: deliveryMs > 0 ? report.events / (deliveryMs / 1000) : 0,
      cpuUsPerDelivery: report.events > 0 ? (cpuMs * 1000) / report.events : Number.NaN,
      p50: report.p50,
      p99: report.p99,
      max: report.max,
      closed: report.closed,
      peakRssKiB: peakRssKiB(s.pid),
      rssStartKiB,
      generatorCpuPercent: (report.cpuMs / elapsedMs) * 100,
      generatorProcesses: subscribers.processes,
      publisherCpuPercent: (done.cpuMs / (done.seconds * 1000)) * 100,
      backlog,
    };
  } finally {
    await publisher?.stop();
    await subscribers?.stop();
    await s.stop();
  }
}
