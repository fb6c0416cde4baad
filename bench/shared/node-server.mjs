// Starts one of the benches' Node servers (a script that listens on $PORT and prints "ready") as a
// process of its own, on the Node binary given (default: the one running the bench).
import { spawn } from 'node:child_process';
import { freePort } from './free-port.mjs';

const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

/**
 * Resolves { pid, port, stop(): resolves once it exited } when the server says "ready". What it prints
 * after that (--trace-gc, say) goes to stderr, apart from the bench's table. `nodeArgs` go to node.
 */
export async function startNodeServer(script, { node = process.execPath, nodeArgs = [], env = {} } = {}) {
  const port = await freePort();
  const child = spawn(node, [...nodeArgs, script], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start in time`)), START_TIMEOUT_MS);
    child.stdout.once('data', () => {
      clearTimeout(timer);
      resolve();
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}`));
    });
  });
  child.stdout.pipe(process.stderr);
  return {
    pid: child.pid,
    port,
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
