// @tidings/server on Hono, through the Fetch adapter: `createFetchSession(request)` returns a web-standard
// Response whose body is the event stream, which the route returns as any other Response. The same route
// runs on Bun, Deno and workers; here @hono/node-server runs it on node:http. A channel broadcasts a `tick`
// event (`{"count":12,"time":"…"}`) every second to every page.
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { createChannel } from '@tidings/server';
import { createFetchSession } from '@tidings/server/fetch';
import { Hono } from 'hono';
import { listenOnLoopback, type RunningExample } from '../shared/listen.ts';
import { ADAPTER_PAGE_DIR, loadPublicFiles, PAGE_HEADERS } from '../shared/public-files.ts';

/** port (0: a free one; default 3108), intervalMs between ticks (null: only on `tick()`; default 1000), retryMs (default 2000). */
export type HonoExampleOptions = { port?: number; intervalMs?: number | null; retryMs?: number };
/** `tick()` broadcasts the next count now and resolves its id once the channel has stored it. */
export type HonoExample = RunningExample & { tick(): Promise<string> };

export async function startHonoExample(options: HonoExampleOptions = {}): Promise<HonoExample> {
  const { port = 3108, intervalMs = 1000, retryMs = 2000 } = options;
  const files = loadPublicFiles(ADAPTER_PAGE_DIR);
  const channel = createChannel();
  let count = 0;
  const tick = () => channel.broadcastJson({ count: ++count, time: new Date().toISOString() }, { event: 'tick' });

  const app = new Hono();
  app.get('/events', (c) => {
    const { session, response } = createFetchSession(c.req.raw, { retry: retryMs });
    if (session !== null) channel.register(session); // null: `response` already answers (406, 400, a preflight)
    return response;
  });
  app.get('*', (c) => {
    const file = files.get(c.req.path);
    if (file === undefined)
      return c.text(`Not found: ${c.req.path}. The page is at / and its stream at /events.\n`, 404);
    return new Response(new Uint8Array(file.body), { headers: { ...PAGE_HEADERS, 'content-type': file.contentType } });
  });

  const timer = intervalMs === null ? undefined : setInterval(() => tick().catch(console.error), intervalMs);
  // createAdaptorServer makes a node:http server without listening yet.
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  const running = await listenOnLoopback(server, port, () => clearInterval(timer));
  return { ...running, tick };
}
