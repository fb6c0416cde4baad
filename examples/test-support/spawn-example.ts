// Starts an example the way a user does, with its one command `npm start -w examples/NAME`, on a free port.
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** How long the one command may take to print its URL (npm, tsx and the TypeScript sources load first). */
export const START_TIMEOUT_MS = 30_000;

const ROOT = resolve(import.meta.dirname, '..', '..');

export interface SpawnedExample {
  /** The URL the example printed. */
  readonly url: string;
  /** Everything it printed so far. */
  output(): string;
  /** Ends the process group it started (npm, the shell and node) and waits for it to exit. */
  stop(): Promise<void>;
}

function stopGroup(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
      done();
      return;
    }
    child.once('exit', () => done());
    // The group id is the pid of the npm process this helper started (detached), so this ends only it
    // and its children.
    process.kill(-child.pid, 'SIGTERM');
  });
}

/** Runs `npm start -w examples/<name>` with PORT=0 and resolves once it printed its URL. */
export function spawnExample(name: string, env: Record<string, string> = {}): Promise<SpawnedExample> {
  const child = spawn('npm', ['start', '--silent', '-w', `examples/${name}`], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      void stopGroup(child);
      reject(new Error(`examples/${name} printed no URL within ${START_TIMEOUT_MS} ms:\n${output}`));
    }, START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /(https?:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (match?.[1] === undefined) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stdout?.on('data', (more: Buffer) => (output += more.toString()));
      resolvePromise({ url: match[1], output: () => output, stop: () => stopGroup(child) });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`examples/${name} exited with ${code} before printing its URL:\n${output}`));
    });
  });
}

/**
 * Reads an event stream with fetch until `until(text)` holds, and returns the text. For checks of
 * the one command where a browser is not needed.
 */
export async function readStreamText(url: string, until: (text: string) => boolean, init: RequestInit = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), START_TIMEOUT_MS);
  try {
    const response = await fetch(url, {
      ...init,
      headers: { accept: 'text/event-stream', ...init.headers },
      signal: controller.signal,
    });
    if (response.body === null) throw new Error(`${url}: no body (status ${response.status})`);
    const decoder = new TextDecoder();
    let text = '';
    const reader = response.body.getReader();
    while (!until(text)) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    return { response, text };
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}
