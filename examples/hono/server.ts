// @tidings/server on Hono, through the Fetch adapter: `createFetchSession(request)` returns a web-standard
// Response whose body is the event stream, which the route returns as any other Response. The same route
// runs on Bun, Deno and workers; here @hono/node-server runs it on node:http.
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { createChannel } from '@tidings/server';
import { createFetchSession } from '@tidings/server/fetch';
import { Hono } from 'hono';
import {
  type AdapterExample,
  type AdapterExampleOptions,
  adapterPageFiles,
  countingTicks,
  DEFAULT_INTERVAL_MS,
} from '../shared/adapter-example.ts';
import { listen } from '../shared/listen.ts';
import { resolveOptions } from '../shared/options.ts';
import { PAGE_HEADERS } from '../shared/public-files.ts';
import { tickingExample } from '../shared/ticking-example.ts';

/** Port when PORT is not set. */
export const DEFAULT_PORT = 3108;

export type HonoExampleOptions = AdapterExampleOptions;
export type HonoExample = AdapterExample;

export async function startHonoExample(options: HonoExampleOptions = {}): Promise<HonoExample> {
  const { port, intervalMs, retry } = resolveOptions(options, { port: DEFAULT_PORT, intervalMs: DEFAULT_INTERVAL_MS });
  const files = adapterPageFiles('Hono');
  const channel = createChannel();
  const tick = countingTicks(channel);

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
  return tickingExample({ server, port: await listen(server, port), intervalMs, tick });
}
