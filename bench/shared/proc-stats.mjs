// What the kernel says about a process (and the machine): CPU time, RSS, peak RSS, listen-queue drops.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);

/** utime + stime of the process, in ms (10 ms steps: the kernel counts clock ticks). */
export function cpuTimeMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

function statusKiB(pid, field) {
  return Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`${field}:\\s+(\\d+)`))[1]);
}

/** Resident memory now, KiB. */
export const rssKiB = (pid) => statusKiB(pid, 'VmRSS');
/** The highest resident memory of the process's life so far (VmHWM), KiB. */
export const peakRssKiB = (pid) => statusKiB(pid, 'VmHWM');

/**
 * The machine's TcpExt ListenOverflows + ListenDrops: connections the kernel refused because a listen
 * queue was full (the client retries its SYN after 1 s, which would show as a 1 s step in a storm).
 * Machine-wide (other programs count too), so a difference over a run is an upper bound for that run.
 */
export function listenDrops() {
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
  const at = lines.findIndex((line) => line.startsWith('TcpExt:'));
  const names = lines[at].split(' ');
  const values = lines[at + 1].split(' ');
  const get = (name) => Number(values[names.indexOf(name)] ?? 0);
  return get('ListenOverflows') + get('ListenDrops');
}

/** The median of some numbers (NaN for none). */
export function median(values) {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The q-quantile of an already sorted array (nearest rank), NaN when empty. */
export const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

/**
 * CPU time the whole machine spent busy (every core: user, nice, system, irq, softirq, and steal, which is
 * time the hypervisor gave to another VM), in ms. Over a window, minus the bench's own processes' CPU, it
 * says how much else ran: the machines are shared, and a busy neighbour explains an odd round.
 */
export function machineBusyMs() {
  const [, user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .map(Number);
  return ((user + nice + system + irq + softirq + steal) * 1000) / CLOCK_TICKS;
}
