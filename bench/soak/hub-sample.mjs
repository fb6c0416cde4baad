// One sample of the hub process: resident memory and open file descriptors from /proc, CPU time from
// /proc/PID/stat, and its own counters from GET /metrics (Prometheus text).
import { readdirSync } from 'node:fs';
import { cpuTimeMs, rssKiB } from '../shared/proc-stats.mjs';

/** The hub counters the soak reads. */
const COUNTERS = [
  'tidings_subscribers',
  'tidings_subscriptions_total',
  'tidings_updates_published_total',
  'tidings_events_delivered_total',
  'tidings_slow_subscriber_disconnects_total',
  'tidings_replays_total',
  'tidings_log_errors_total',
];

/** Open file descriptors of a process (sockets, the listening socket, files, pipes, epoll, ...). */
export const openFds = (pid) => readdirSync(`/proc/${pid}/fd`).length;

/** Reads `/metrics` of a hub (its base URL) into { name: value } for COUNTERS (unlabelled samples only). */
export async function hubMetrics(url) {
  const response = await fetch(`${url}/metrics`);
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  const values = {};
  for (const line of (await response.text()).split('\n')) {
    const [name, value] = line.split(' ');
    if (COUNTERS.includes(name)) values[name] = Number(value);
  }
  return values;
}

/** { rssKiB, fds, cpuMs, metrics } of the hub now. */
export async function sampleHub(pid, url) {
  const metrics = await hubMetrics(url);
  return { rssKiB: rssKiB(pid), fds: openFds(pid), cpuMs: cpuTimeMs(pid), metrics };
}
