/**
 * The busiest processes of the machine, for the monitor demo. Read from Linux's /proc (no external
 * command is run); CPU shares come from the difference with the previous sample. Where /proc is missing
 * the list is empty and says so (`available: false`), and the rest of the monitor works.
 */
import { readdir, readFile } from 'node:fs/promises';

export interface ProcessInfo {
  readonly pid: number;
  readonly name: string;
  /** Share of one CPU since the previous sample, in percent (0 on the first sample). */
  readonly cpuPercent: number;
  /** Resident memory in bytes. */
  readonly rssBytes: number;
}

/** Clock ticks per second of /proc/<pid>/stat times: 100 on every mainstream Linux. */
const TICKS_PER_SECOND = 100;
const PAGE_BYTES = 4096;

/** Name, CPU ticks and resident pages from /proc/<pid>/stat; the name is in parentheses and may hold any. */
function parseStat(text: string): { name: string; ticks: number; rssPages: number } | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  // proc(5) numbers the fields after the name from 3 (state): utime is 14, stime 15, rss 24.
  const rest = text.slice(close + 2).split(' ');
  const field = (n: number) => Number(rest[n - 3]);
  const ticks = field(14) + field(15);
  return Number.isFinite(ticks) ? { name: text.slice(open + 1, close), ticks, rssPages: field(24) } : null;
}

export class ProcessSampler {
  #previous = new Map<number, number>();
  #previousAt = 0;

  /** The `limit` busiest processes, or `available: false` where /proc cannot be read. */
  async sample(limit: number): Promise<{ available: boolean; processes: ProcessInfo[] }> {
    let entries: string[];
    try {
      entries = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
    } catch {
      return { available: false, processes: [] };
    }
    const now = Date.now();
    const seconds = this.#previousAt === 0 ? 0 : (now - this.#previousAt) / 1000;
    const seen = new Map<number, number>();
    const list: ProcessInfo[] = [];
    await Promise.all(
      entries.map(async (entry) => {
        const stat = parseStat(await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => ''));
        if (stat === null) return; // ended between readdir and readFile
        const pid = Number(entry);
        const before = this.#previous.get(pid);
        seen.set(pid, stat.ticks);
        const cpu = before === undefined || seconds === 0 ? 0 : (stat.ticks - before) / TICKS_PER_SECOND / seconds;
        list.push({
          pid,
          name: stat.name,
          cpuPercent: Math.round(Math.max(0, cpu) * 1000) / 10,
          rssBytes: stat.rssPages * PAGE_BYTES,
        });
      }),
    );
    // Only live processes are remembered, so the map does not grow with every pid the machine ever had.
    this.#previous = seen;
    this.#previousAt = now;
    list.sort((a, b) => b.cpuPercent - a.cpuPercent || b.rssBytes - a.rssBytes);
    return { available: true, processes: list.slice(0, limit) };
  }
}
