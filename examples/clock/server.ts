// The clock: the seed article's "page that has a clock updated from the server side". Every second the
// server broadcasts its time as a `time` event to everyone on /events; the channel's history lets a page
// that lost its connection catch up on the ticks it missed.
import { createServer } from 'node:http';
import { join } from 'node:path';
import { createChannel } from '@tidings/server';
import { createSession } from '@tidings/server/node';
import { HOST, listen } from '../shared/listen.ts';
import { checkInterval, checkMilliseconds, checkPort } from '../shared/options.ts';
import { loadPublicFiles, sendText, servePublicFile } from '../shared/public-files.ts';
import type { RunningExample } from '../shared/run-main.ts';

/** Port when PORT is not set. */
export const DEFAULT_PORT = 3105;
/** Milliseconds between two ticks. */
export const DEFAULT_INTERVAL_MS = 1000;
/** Milliseconds the browser waits before reconnecting (the `retry:` hint). */
export const DEFAULT_RETRY_MS = 2000;

export interface ClockOptions {
  /** TCP port; 0 picks a free one. Default DEFAULT_PORT. */
  port?: number;
  /** Milliseconds between ticks; null publishes only when `tick()` is called. Default 1000. */
  intervalMs?: number | null;
  /** The `retry:` hint in milliseconds. Default 2000. */
  retryMs?: number;
}

export interface ClockApp extends RunningExample {
  readonly port: number;
  /** Broadcasts the time now; returns the event's id. */
  tick(): string;
  /** Cuts every connection while the server keeps running (what a restarting proxy does). */
  cutStreams(): void;
}

export async function startClock(options: ClockOptions = {}): Promise<ClockApp> {
  checkPort(options.port);
  checkInterval('intervalMs', options.intervalMs);
  checkMilliseconds('retryMs', options.retryMs, 0);
  const intervalMs = options.intervalMs === undefined ? DEFAULT_INTERVAL_MS : options.intervalMs;
  const retry = options.retryMs ?? DEFAULT_RETRY_MS;
  const files = loadPublicFiles(join(import.meta.dirname, 'public'));
  const channel = createChannel();

  // The channel gives each event an id (`<epoch>-<n>`, the epoch new on every start, so ids from before a
  // restart are recognised as unknown); the browser sends the last one back as Last-Event-ID.
  const tick = (): string => channel.broadcast(new Date().toISOString(), { event: 'time' });

  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (pathname === '/events') {
      const session = createSession(req, res, { retry });
      if (session !== null) channel.register(session);
      return;
    }
    if (servePublicFile(req, res, pathname, files)) return;
    sendText(res, 404, `Not found: ${pathname}. The clock is at / and its event stream at /events.`);
  });
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
