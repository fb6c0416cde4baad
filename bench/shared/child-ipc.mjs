// A load generator as a child process that talks in typed IPC messages: `next(type)` resolves the next
// message of that type (kept if it came before it was asked for), and rejects if the child exits first.
import { fork } from 'node:child_process';

export function forkChild(script, env) {
  const child = fork(script, { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const early = [];
  const waiters = [];
  let exitCode;
  child.on('message', (message) => {
    const at = waiters.findIndex((w) => w.type === message.type);
    if (at >= 0) waiters.splice(at, 1)[0].resolve(message);
    else early.push(message);
  });
  child.once('exit', (code, signal) => {
    exitCode = code ?? signal;
    for (const waiter of waiters.splice(0)) waiter.reject(new Error(`${script} exited with ${exitCode}`));
  });
  const next = (type) => {
    const at = early.findIndex((m) => m.type === type);
    if (at >= 0) return Promise.resolve(early.splice(at, 1)[0]);
    if (exitCode !== undefined) return Promise.reject(new Error(`${script} exited with ${exitCode}`));
    return new Promise((resolve, reject) => waiters.push({ type, resolve, reject }));
  };
  const ask = (message, type) => {
    child.send(message);
    return next(type);
  };
  return { child, next, ask };
}
