/**
 * `tidings hub --workers N`: N hub processes share the port (node:cluster hands each new connection to
 * one of them), so one machine's cores all deliver. They share one Redis event log and so act as one
 * hub: every update reaches every subscriber once, in one order, whichever worker holds its stream.
 * The primary only supervises: it restarts a worker that dies, and stops them all on SIGTERM/SIGINT.
 */
import cluster from 'node:cluster';
import { createLogger, stdoutSink } from '../logger.js';
import type { HubConfig } from './cli-hub.js';
import { SHUTDOWN_GRACE_MS } from './cli-limits.js';

export function superviseWorkers(config: HubConfig): void {
  const log = createLogger(config.options.logLevel ?? 'info', stdoutSink);
  const listened = new Set<number>();
  let stopping = false;
  cluster.on('listening', (worker) => listened.add(worker.id));
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    if (!listened.has(worker.id)) {
      // It never got as far as listening (port in use, say): another would fail the same way.
      log.error('a worker could not start; stopping', { code, signal });
      stop(1);
      return;
    }
    log.warn('worker exited; starting another', { code, signal });
    cluster.fork();
  });
  const stop = (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    process.exitCode = exitCode;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    setTimeout(() => process.exit(exitCode), SHUTDOWN_GRACE_MS + 1_000).unref();
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(exitCode);
  };
  process.on('SIGTERM', () => stop(0));
  process.on('SIGINT', () => stop(0));
  for (let i = 0; i < config.workers; i++) cluster.fork();
  log.info('supervising workers', { workers: config.workers, store: config.store.kind });
}
