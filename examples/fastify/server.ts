// @tidings/server on Fastify: the route hands the raw Node request and response to `createSession` after
// `reply.hijack()`, which tells Fastify the handler answers the request itself (a stream that stays open).
import { createChannel } from '@tidings/server';
import { createSession } from '@tidings/server/node';
import Fastify from 'fastify';
import {
  type AdapterExample,
  type AdapterExampleOptions,
  adapterPageFiles,
  countingTicks,
  DEFAULT_INTERVAL_MS,
} from '../shared/adapter-example.ts';
import { boundPort, HOST } from '../shared/listen.ts';
import { resolveOptions } from '../shared/options.ts';
import { PAGE_HEADERS } from '../shared/public-files.ts';
import { tickingExample } from '../shared/ticking-example.ts';

/** Port when PORT is not set. */
export const DEFAULT_PORT = 3107;

export type FastifyExampleOptions = AdapterExampleOptions;
export type FastifyExample = AdapterExample;

export async function startFastifyExample(options: FastifyExampleOptions = {}): Promise<FastifyExample> {
  const { port, intervalMs, retry } = resolveOptions(options, { port: DEFAULT_PORT, intervalMs: DEFAULT_INTERVAL_MS });
  const files = adapterPageFiles('Fastify');
  const channel = createChannel();
  const tick = countingTicks(channel);

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

  await app.listen({ port, host: HOST });
  return tickingExample({
    server: app.server,
    port: boundPort(app.server),
    intervalMs,
    tick,
    close: () => app.close(),
  });
}
