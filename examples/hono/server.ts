// @tidings/server on Hono, through the Fetch adapter: `createFetchSession(request)` returns a web-standard
// Response whose body is the event stream, which the route returns as any other Response. The same route
// runs on Bun, Deno and workers; here @hono/node-server runs it on node:http.
import type { Server } from 'node:http';
import { join } from 'node:path';
import { createAdaptorServer } from '@hono/node-server';
import { createChannel } from '@tidings/server';
import { createFetchSession } from '@tidings/server/fetch';
import { Hono } from 'hono';
import { HOST, listen } from '../shared/listen.ts';
import { checkInterval, checkMilliseconds, checkPort } from '../shared/options.ts';
import { ADAPTER_PAGE_DIR, loadPublicFiles, PAGE_HEADERS } from '../shared/public-files.ts';
import type { RunningExample } from '../shared/run-main.ts';

/** Port when PORT is not set. */
export const DEFAULT_PORT = 3108;
/** Milliseconds between two ticks. */
export const DEFAULT_INTERVAL_MS = 1000;
/** Milliseconds the browser waits before reconnecting (the `retry:` hint). */
export const DEFAULT_RETRY_MS = 2000;

export interface HonoExampleOptions {
  /** TCP port; 0 picks a free one. Default DEFAULT_PORT. */
  port?: number;
  /** Milliseconds between ticks; null publishes only when `tick()` is called. Default 1000. */
  intervalMs?: number | null;
  /** The `retry:` hint in milliseconds. Default 2000. */
  retryMs?: number;
}

export interface HonoExample extends RunningExample {
  readonly port: number;
  /** Broadcasts the next tick now; returns its id. */
  tick(): string;
  /** Cuts every connection while the server keeps running (what a restarting proxy does). */
  cutStreams(): void;
}

export async function startHonoExample(options: HonoExampleOptions = {}): Promise<HonoExample> {
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

  const app = new Hono();
  app.get('/events', (c) => {
    const { session, response } = createFetchSession(c.req.raw, { retry });
    if (session !== null) channel.register(session);
    return response;
  });
  app.get('*', (c) => {
    const file = files.get(c.req.path);
    if (file === undefined) {
      return c.text(`Not found: ${c.req.path}. The page is at / and its event stream at /events.\n`, 404);
    }
    return new Response(new Uint8Array(file.body), { headers: { ...PAGE_HEADERS, 'content-type': file.contentType } });
  });

  // createAdaptorServer makes a node:http server without listening yet, so listen() can report the port.
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
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
