// Starts the built `tidings hub` CLI (packages/hub/dist/cli.js, as a user runs it) on a free port, reads
// its JSON log lines, and stops it with SIGTERM (its graceful path, so that a --cpu-prof profile is written).
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const CLI = join(import.meta.dirname, '..', '..', 'packages', 'hub', 'dist', 'cli.js');
/** The JWT key of every bench hub (loopback only; never a real secret). */
export const KEY = 'tidings-bench-key-not-a-secret-0123456789';
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;

/**
 * Runs `tidings hub --port 0 --jwt-key KEY --anonymous ...args`; resolves once it logs "listening":
 * { pid, url, hubUrl, warnings(): the warn/error log lines so far, warningCounts(): them counted by message
 * and error ({"replay failed (EventLogError LOG_UNAVAILABLE)": 997}), stop(): resolves the exit code }.
 * `nodeArgs` go to node (say ['--cpu-prof', '--cpu-prof-dir=DIR']).
 */
/**
 * The load generators are a few clients that each act for thousands of subscribers and publish as fast as
 * the hub accepts: the per-client limits (which would answer them 429) are off in every benchmark.
 */
const NO_CLIENT_LIMITS = ['--max-streams-per-client', '0', '--stream-rate', '0', '--publish-rate', '0'];

export async function startHub(args, { nodeArgs = [] } = {}) {
  const child = spawn(
    process.execPath,
    [...nodeArgs, CLI, 'hub', '--port', '0', '--jwt-key', KEY, '--anonymous', ...NO_CLIENT_LIMITS, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const warnings = [];
  let partial = '';
  let onListening = null;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop();
    for (const text of lines) {
      let line;
      try {
        line = JSON.parse(text);
      } catch {
        continue;
      }
      if (line.msg === 'listening') onListening?.(line);
      else if (line.level === 'warn' || line.level === 'error') warnings.push(line);
    }
  });
  child.stderr.pipe(process.stderr);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const listening = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the hub did not start in time')), START_TIMEOUT_MS);
    onListening = (line) => {
      clearTimeout(timer);
      resolve(line);
    };
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the hub exited with ${code} before listening`));
    });
  });
  return {
    pid: child.pid,
    url: listening.url,
    hubUrl: listening.hub,
    warnings: () => warnings,
    warningCounts() {
      const counts = {};
      for (const line of warnings) {
        const key = `${line.msg}${line.error ? ` (${line.error})` : ''}`;
        counts[key] = (counts[key] ?? 0) + 1;
      }
      return counts;
    },
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
