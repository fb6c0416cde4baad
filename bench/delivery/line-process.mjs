// A child process that talks in JSON lines: commands on its stdin, one a line; answers on its stdout,
// each a JSON object with a `type`. `next(type)` resolves the next answer of that type (kept if it came
// before it was asked for) and rejects if the process exits first (as bench/shared/child-ipc.mjs does
// for IPC). Its stderr goes to the bench's stderr.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const STOP_TIMEOUT_MS = 5_000;

export function startLineProcess(command, args, { env = {} } = {}) {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] });
  const early = [];
  const waiters = [];
  let exitCode;
  const name = `${command.split('/').pop()} ${args.slice(0, 2).join(' ')}`;
  createInterface({ input: child.stdout }).on('line', (line) => {
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      console.error(`${name}: ${line}`);
      return;
    }
    const at = waiters.findIndex((w) => w.type === message.type);
    if (at >= 0) waiters.splice(at, 1)[0].resolve(message);
    else early.push(message);
  });
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      exitCode = code ?? signal;
      for (const waiter of waiters.splice(0)) waiter.reject(new Error(`${name} exited with ${exitCode}`));
      resolve(exitCode);
    }),
  );
  child.stdin.on('error', () => {}); // a command to a process that just exited: its exit says why
  const next = (type) => {
    const at = early.findIndex((m) => m.type === type);
    if (at >= 0) return Promise.resolve(early.splice(at, 1)[0]);
    if (exitCode !== undefined) return Promise.reject(new Error(`${name} exited with ${exitCode}`));
    return new Promise((resolve, reject) => waiters.push({ type, resolve, reject }));
  };
  const send = (line) => child.stdin.write(`${line}\n`);
  return {
    pid: child.pid,
    next,
    send,
    ask: (line, type) => {
      const answer = next(type);
      send(line);
      return answer;
    },
    async stop() {
      if (exitCode === undefined) {
        send('quit');
        child.stdin.end();
      }
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
