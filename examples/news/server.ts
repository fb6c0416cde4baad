// The news feed: headlines pushed to every reader as named `news` events with JSON data
// (`{"title":"…","section":"Science","publishedAt":"…"}`); the page puts the newest at the top.
import { createServer } from 'node:http';
import { join } from 'node:path';
import { createChannel } from '@tidings/server';
import { createSession } from '@tidings/server/node';
import { HOST, listen } from '../shared/listen.ts';
import { checkInterval, checkMilliseconds, checkPort } from '../shared/options.ts';
import { loadPublicFiles, sendText, servePublicFile } from '../shared/public-files.ts';
import type { RunningExample } from '../shared/run-main.ts';
import { headline } from './headlines.ts';

/** Port when PORT is not set. */
export const DEFAULT_PORT = 3103;
/** Milliseconds between two headlines. */
export const DEFAULT_INTERVAL_MS = 4000;
/** Milliseconds the browser waits before reconnecting (the `retry:` hint). */
export const DEFAULT_RETRY_MS = 2000;

export interface NewsOptions {
  /** TCP port; 0 picks a free one. Default DEFAULT_PORT. */
  port?: number;
  /** Milliseconds between headlines; null publishes only when `tick()` is called. Default 4000. */
  intervalMs?: number | null;
  /** The `retry:` hint in milliseconds. Default 2000. */
  retryMs?: number;
}

export interface NewsApp extends RunningExample {
  readonly port: number;
  /** Publishes the next headline now; returns its id. */
  tick(): string;
  /** Cuts every connection while the server keeps running (what a restarting proxy does). */
  cutStreams(): void;
}

export async function startNews(options: NewsOptions = {}): Promise<NewsApp> {
  checkPort(options.port);
  checkInterval('intervalMs', options.intervalMs);
  checkMilliseconds('retryMs', options.retryMs, 0);
  const intervalMs = options.intervalMs === undefined ? DEFAULT_INTERVAL_MS : options.intervalMs;
  const retry = options.retryMs ?? DEFAULT_RETRY_MS;
  const files = loadPublicFiles(join(import.meta.dirname, 'public'));
  const channel = createChannel();

  // The channel gives each event an id (`<epoch>-<n>`, the epoch new on every start, so ids from before a
  // restart are recognised as unknown); the browser sends the last one back as Last-Event-ID.
  let published = 0;
  const tick = (): string => channel.broadcast(JSON.stringify(headline(published++)), { event: 'news' });

  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (pathname === '/news') {
      const session = createSession(req, res, { retry });
      if (session !== null) channel.register(session);
      return;
    }
    if (servePublicFile(req, res, pathname, files)) return;
    sendText(res, 404, `Not found: ${pathname}. The news feed is at / and its event stream at /news.`);
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
