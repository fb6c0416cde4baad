// Starts scripts/run-checks.mjs in Deno or Bun and collects the JSON line it prints for each check.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, type RuntimeCommand } from './runtime-commands.ts';

/** The whole child, startup included; each check inside it also has its own 5 s limit. */
export const CHILD_TIMEOUT_MS = 15_000;

const SCRIPT = join(import.meta.dirname, 'scripts', 'run-checks.mjs');

/** One line of the child's output. */
export interface CheckResult {
  check: string;
  pass: boolean;
  actual?: unknown;
  expected?: unknown;
  error?: string;
}

export interface RuntimeRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The JSON lines of stdout, by check name. */
  results: Map<string, CheckResult>;
}

function environment(denoDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NO_COLOR: '1',
    // Neither runtime may reach the network beyond 127.0.0.1: no update checks, no telemetry.
    DENO_NO_UPDATE_CHECK: '1',
    DO_NOT_TRACK: '1',
    // Deno's module cache in a fresh directory, so runs do not share (or leave behind) state.
    DENO_DIR: denoDir,
  };
  // Set by `node --test` for its own children; these are not Node test files.
  delete env.NODE_TEST_CONTEXT;
  delete env.NODE_OPTIONS;
  return env;
}

function parseResults(stdout: string): Map<string, CheckResult> {
  const results = new Map<string, CheckResult>();
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const result = JSON.parse(line) as CheckResult;
    results.set(result.check, result);
  }
  return results;
}

/** Runs every check in the runtime against the server at `baseUrl`, as client `client`. */
export function runRuntimeChecks(command: RuntimeCommand, baseUrl: string, client: string): Promise<RuntimeRun> {
  const denoDir = mkdtempSync(join(tmpdir(), 'tidings-deno-dir-'));
  return new Promise<RuntimeRun>((resolve, reject) => {
    const child = spawn(command.binary, command.args(SCRIPT, [baseUrl, client]), {
      cwd: REPO_ROOT,
      env: environment(denoDir),
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: CHILD_TIMEOUT_MS,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', (error) => reject(new Error(`could not start ${command.binary}: ${error.message}`)));
    child.on('close', (exitCode, signal) => {
      resolve({ exitCode, signal, stdout, stderr, results: parseResults(stdout) });
    });
  }).finally(() => rmSync(denoDir, { recursive: true, force: true }));
}
