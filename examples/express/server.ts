// @tidings/server on Express: `createSession(req, res)` takes Express's req and res as they are (they are
// Node's), and a channel broadcasts a `tick` event every second to every open page.
import { createServer } from 'node:http';
import { join } from 'node:path';
import { createChannel } from '@tidings/server';
import { createSession } from '@tidings/server/node';
import express from 'express';
import { HOST, listen } from '../shared/listen.ts';
import { checkInterval, checkMilliseconds, checkPort } from '../shared/options.ts';
import { ADAPTER_PAGE_DIR, loadPublicFiles, PAGE_HEADERS } from '../shared/public-files.ts';
import type { RunningExample } from '../shared/run-main.ts';

/** Port when PORT is not set. */
export const DEFAULT_PORT = 3106;
/** Milliseconds between two ticks. */
export const DEFAULT_INTERVAL_MS = 1000;
/** Milliseconds the browser waits before reconnecting (the `retry:` hint). */
export const DEFAULT_RETRY_MS = 2000;

export interface ExpressExampleOptions {
  /** TCP port; 0 picks a free one. Default DEFAULT_PORT. */
  port?: number;
  /** Milliseconds between ticks; null publishes only when `tick()` is called. Default 1000. */
  intervalMs?: number | null;
  /** The `retry:` hint in milliseconds. Default 2000. */
  retryMs?: number;
}

export interface ExpressExample extends RunningExample {
  readonly port: number;
  /** Broadcasts the next tick now; returns its id. */
  tick(): string;
  /** Cuts every connection while the server keeps running (what a restarting proxy does). */
  cutStreams(): void;
}

export async function startExpressExample(options: ExpressExampleOptions = {}): Promise<ExpressExample> {
  checkPort(options.port);
  checkInterval('intervalMs', options.intervalMs);
  checkMilliseconds('retryMs', options.retryMs, 0);
  const intervalMs = options.intervalMs === undefined ? DEFAULT_INTERVAL_MS : options.intervalMs;
  const retry = options.retryMs ?? DEFAULT_RETRY_MS;
  const files = loadPublicFiles(ADAPTER_PAGE_DIR, join(import.meta.dirname, 'public'));
  const channel = createChannel();
  // The channel gives each event an id (`<epoch>-<n>`, the epoch new on every start, so ids from before a
  // restart are recognised as unknown); the browser sends the last one back as Last-Event-ID.
  let count = 0;
  const tick = (): string => {
    count++;
    return channel.broadcast(JSON.stringify({ count, time: new Date().toISOString() }), { event: 'tick' });
  };

  const app = express();
  app.get('/events', (req, res) => {
    const session = createSession(req, res, { retry });
    if (session !== null) channel.register(session);
  });
  app.get('/{:file}', (req, res, next) => {
    const file = files.get(req.path);
    if (file === undefined) {
      next();
      return;
    }
    res.set(PAGE_HEADERS).type(file.contentType).send(file.body);
  });
  app.use((req, res) => {
    res
      .status(404)
      .type('text/plain')
      .send(`Not found: ${req.path}. The page is at / and its event stream at /events.\n`);
  });

  const server = createServer(app);
  const port = await listen(server, options.port ?? DEFAULT_PORT);
  const timer = intervalMs === null ? undefined : setInterval(tick, intervalMs);
  return {
    port,
    url: `http://${HOST}:${port}/`,
    tick,
    cutStreams: () => server.closeAllConnections(),
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
