// @tidings/server on Fastify: the route hands the raw Node request and response to `createSession` after
// `reply.hijack()`, which tells Fastify the handler answers the request itself (a stream that stays open).
// A channel broadcasts a `tick` event (`{"count":12,"time":"…"}`) every second to every page.
import { createChannel } from '@tidings/server';
import { createSession } from '@tidings/server/node';
import Fastify from 'fastify';
import { HOST, type RunningExample } from '../shared/listen.ts';
import { ADAPTER_PAGE_DIR, loadPublicFiles, PAGE_HEADERS } from '../shared/public-files.ts';

/** port (0: a free one; default 3107), intervalMs between ticks (null: only on `tick()`; default 1000), retryMs (default 2000). */
export type FastifyExampleOptions = { port?: number; intervalMs?: number | null; retryMs?: number };
/** `tick()` broadcasts the next count now and resolves its id once the channel has stored it. */
export type FastifyExample = RunningExample & { tick(): Promise<string> };

export async function startFastifyExample(options: FastifyExampleOptions = {}): Promise<FastifyExample> {
  const { port = 3107, intervalMs = 1000, retryMs = 2000 } = options;
  const files = loadPublicFiles(ADAPTER_PAGE_DIR);
  const channel = createChannel();
  let count = 0;
  const tick = () => channel.broadcastJson({ count: ++count, time: new Date().toISOString() }, { event: 'tick' });

  const app = Fastify();
  app.get('/events', (request, reply) => {
    reply.hijack();
    const session = createSession(request.raw, reply.raw, { retry: retryMs });
    if (session !== null) channel.register(session); // null: already answered (406, 400, a preflight)
  });
  app.get('/*', (request, reply) => {
    const path = new URL(request.url, 'http://localhost').pathname;
    const file = files.get(path);
    if (file === undefined) {
      const message = `Not found: ${path}. The page is at / and its stream at /events.\n`;
      return reply.code(404).type('text/plain; charset=utf-8').send(message);
    }
    return reply.headers(PAGE_HEADERS).type(file.contentType).send(file.body);
  });

  // Fastify owns its server: it listens and closes it itself.
  const timer = intervalMs === null ? undefined : setInterval(() => tick().catch(console.error), intervalMs);
  const url = new URL(await app.listen({ port, host: HOST }));
  return {
    port: Number(url.port),
    url: url.href,
    tick,
    cutStreams: () => app.server.closeAllConnections(),
    close: async () => {
      clearInterval(timer);
      const closed = app.close();
      app.server.closeAllConnections(); // open streams would otherwise keep close() waiting
      await closed;
    },
  };
}
