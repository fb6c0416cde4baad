// @tidings/server on Fastify: the route hands the raw Node request and response to `createSession` after
// `reply.hijack()`, which tells Fastify the handler answers the request itself (a stream that stays open).
import { join } from 'node:path';
import { createChannel } from '@tidings/server';
import { createSession } from '@tidings/server/node';
import Fastify from 'fastify';
import { HOST } from '../shared/listen.ts';
import { checkInterval, checkMilliseconds, checkPort } from '../shared/options.ts';
import { ADAPTER_PAGE_DIR, loadPublicFiles, PAGE_HEADERS } from '../shared/public-files.ts';
import type { RunningExample } from '../shared/run-main.ts';

/** Port when PORT is not set. */
export const DEFAULT_PORT = 3107;
/** Milliseconds between two ticks. */
export const DEFAULT_INTERVAL_MS = 1000;
/** Milliseconds the browser waits before reconnecting (the `retry:` hint). */
export const DEFAULT_RETRY_MS = 2000;

export interface FastifyExampleOptions {
  /** TCP port; 0 picks a free one. Default DEFAULT_PORT. */
  port?: number;
  /** Milliseconds between ticks; null publishes only when `tick()` is called. Default 1000. */
  intervalMs?: number | null;
  /** The `retry:` hint in milliseconds. Default 2000. */
  retryMs?: number;
}

export interface FastifyExample extends RunningExample {
  readonly port: number;
  /** Broadcasts the next tick now; returns its id. */
  tick(): string;
  /** Cuts every connection while the server keeps running (what a restarting proxy does). */
  cutStreams(): void;
}

export async function startFastifyExample(options: FastifyExampleOptions = {}): Promise<FastifyExample> {
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

  const app = Fastify();
  app.get('/events', (request, reply) => {
    reply.hijack();
    const session = createSession(request.raw, reply.raw, { retry });
    if (session !== null) channel.register(session);
  });
  app.get('/*', (request, reply) => {
    const path = new URL(request.url, 'http://localhost').pathname;
    const file = files.get(path);
    if (file === undefined) {
      return reply
        .code(404)
        .type('text/plain; charset=utf-8')
        .send(`Not found: ${path}. The page is at / and its event stream at /events.\n`);
    }
    return reply.headers(PAGE_HEADERS).type(file.contentType).send(file.body);
  });

  await app.listen({ port: options.port ?? DEFAULT_PORT, host: HOST });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('fastify has no TCP address');
  const timer = intervalMs === null ? undefined : setInterval(tick, intervalMs);
  return {
    port: address.port,
    url: `http://${HOST}:${address.port}/`,
    tick,
    cutStreams: () => app.server.closeAllConnections(),
    close: async () => {
      clearInterval(timer);
      app.server.closeAllConnections();
      await app.close();
    },
  };
}
