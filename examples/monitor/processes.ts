// The busiest processes of the machine, for the monitor's `processes` event. On Linux they are read from
// /proc directly (no external command); elsewhere from `ps` when it exists; where neither is available
// the list is empty and says so, and the rest of the monitor works as before.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';

/** How many processes the list shows. */
export const TOP_PROCESSES = 5;
/** Longest a `ps` run may take before it is abandoned, in milliseconds. */
export const PS_TIMEOUT_MS = 2000;
/** Largest `ps` output read, in bytes; a machine with a huge process table still cannot flood the monitor. */
export const PS_MAX_OUTPUT_BYTES = 4 * 1024 * 1024;

export interface ProcessInfo {
  readonly pid: number;
  readonly name: string;
  /** Share of one CPU since the previous sample (or since the process started, on the first sample), 0–100+. */
  readonly cpuPercent: number;
  /** Resident memory in bytes. */
  readonly rssBytes: number;
}

export interface ProcessList {
  /** Where the figures came from; 'none' when this system offers neither /proc nor `ps`. */
  readonly source: 'proc' | 'ps' | 'none';
  readonly processes: readonly ProcessInfo[];
}

/** Clock ticks per second used by /proc/<pid>/stat times; 100 on every mainstream Linux. */
const CLOCK_TICKS_PER_SECOND = 100;
const PAGE_SIZE_BYTES = 4096;

interface CpuSample {
  readonly ticks: number;
  readonly at: number;
}

/** Parses /proc/<pid>/stat: the name is in parentheses and may itself contain spaces and parentheses. */
function parseStat(text: string): { name: string; ticks: number; rssPages: number; startTicks: number } | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  // Fields after the name, numbered from 3 (state) as in proc(5): utime 14, stime 15, starttime 22, rss 24.
  const rest = text.slice(close + 2).split(' ');
  const field = (n: number) => Number(rest[n - 3]);
  const ticks = field(14) + field(15);
  if (!Number.isFinite(ticks)) return null;
  return { name: text.slice(open + 1, close), ticks, rssPages: field(24), startTicks: field(22) };
}

async function bootTimeSeconds(): Promise<number> {
  const uptime = Number((await readFile('/proc/uptime', 'utf8')).split(' ')[0]);
  return Date.now() / 1000 - uptime;
}

/** Samples the process table; each call compares CPU time with the previous call's. */
export class ProcessSampler {
  readonly #previous = new Map<number, CpuSample>();

  async sample(limit = TOP_PROCESSES): Promise<ProcessList> {
    try {
      return { source: 'proc', processes: top(await this.#fromProc(), limit) };
    } catch {
      // No /proc here (macOS, BSD, Windows): fall back to ps.
    }
    try {
      return { source: 'ps', processes: top(await fromPs(), limit) };
    } catch {
      return { source: 'none', processes: [] };
    }
  }

  async #fromProc(): Promise<ProcessInfo[]> {
    const entries = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
    const now = Date.now();
    const boot = await bootTimeSeconds();
    const seen = new Map<number, CpuSample>();
    const list: ProcessInfo[] = [];
    await Promise.all(
      entries.map(async (entry) => {
        const pid = Number(entry);
        let stat: ReturnType<typeof parseStat>;
        try {
          stat = parseStat(await readFile(`/proc/${entry}/stat`, 'utf8'));
        } catch {
          return; // The process ended between readdir and readFile.
        }
        if (stat === null) return;
        const previous = this.#previous.get(pid);
        const since = previous ?? { ticks: 0, at: (boot + stat.startTicks / CLOCK_TICKS_PER_SECOND) * 1000 };
        const elapsedSeconds = Math.max((now - since.at) / 1000, 0.001);
        const cpuSeconds = (stat.ticks - since.ticks) / CLOCK_TICKS_PER_SECOND;
        seen.set(pid, { ticks: stat.ticks, at: now });
        list.push({
          pid,
          name: stat.name,
          cpuPercent: Math.max(0, (cpuSeconds / elapsedSeconds) * 100),
          rssBytes: stat.rssPages * PAGE_SIZE_BYTES,
        });
      }),
    );
    // Forget processes that ended, so the map does not grow with every pid the machine ever had.
    this.#previous.clear();
    for (const [pid, sample] of seen) this.#previous.set(pid, sample);
    return list;
  }
}

function fromPs(): Promise<ProcessInfo[]> {
  return new Promise((resolve, reject) => {
    execFile(
      'ps',
      ['-A', '-o', 'pid=,pcpu=,rss=,comm='],
      { timeout: PS_TIMEOUT_MS, maxBuffer: PS_MAX_OUTPUT_BYTES },
      (error, stdout) => {
        if (error) {
          reject(error);
          return;
        }
        const list: ProcessInfo[] = [];
        for (const line of stdout.split('\n')) {
          const match = /^\s*(\d+)\s+([\d.]+)\s+(\d+)\s+(.+)$/.exec(line);
          if (match === null) continue;
          list.push({
            pid: Number(match[1]),
            cpuPercent: Number(match[2]),
            rssBytes: Number(match[3]) * 1024,
            name: (match[4] ?? '').trim(),
          });
        }
        resolve(list);
      },
    );
  });
}

function top(list: ProcessInfo[], limit: number): ProcessInfo[] {
  return list
    .sort((a, b) => b.cpuPercent - a.cpuPercent || b.rssBytes - a.rssBytes)
    .slice(0, limit)
    .map((p) => ({ ...p, cpuPercent: Math.round(p.cpuPercent * 10) / 10 }));
}
