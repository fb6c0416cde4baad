// @tidings/server on Express: `createSession(req, res)` takes Express's req and res as they are (they are
// Node's), and a channel broadcasts a `tick` event (`{"count":12,"time":"…"}`) every second to every page.
import { createServer } from 'node:http';
import { createChannel } from '@tidings/server';
import { createSession } from '@tidings/server/node';
import express from 'express';
import { listenOnLoopback, type RunningExample } from '../shared/listen.ts';
import { ADAPTER_PAGE_DIR, loadPublicFiles, PAGE_HEADERS } from '../shared/public-files.ts';

/** port (0: a free one; default 3106), intervalMs between ticks (null: only on `tick()`; default 1000), retryMs (default 2000). */
export type ExpressExampleOptions = { port?: number; intervalMs?: number | null; retryMs?: number };
/** `tick()` broadcasts the next count now and resolves its id once the channel has stored it. */
export type ExpressExample = RunningExample & { tick(): Promise<string> };

export async function startExpressExample(options: ExpressExampleOptions = {}): Promise<ExpressExample> {
  const { port = 3106, intervalMs = 1000, retryMs = 2000 } = options;
  const files = loadPublicFiles(ADAPTER_PAGE_DIR);
  const channel = createChannel();
  let count = 0;
  const tick = () => channel.broadcastJson({ count: ++count, time: new Date().toISOString() }, { event: 'tick' });

  const app = express();
  app.get('/events', (req, res) => {
    const session = createSession(req, res, { retry: retryMs });
    if (session !== null) channel.register(session); // null: already answered (406, 400, a preflight)
  });
  app.get('/{:file}', (req, res, next) => {
    const file = files.get(req.path);
    if (file === undefined) next();
    else res.set(PAGE_HEADERS).type(file.contentType).send(file.body);
  });
  app.use((req, res) => {
    res.status(404).type('text/plain').send(`Not found: ${req.path}. The page is at / and its stream at /events.\n`);
  });

  const timer = intervalMs === null ? undefined : setInterval(() => tick().catch(console.error), intervalMs);
  const running = await listenOnLoopback(createServer(app), port, () => clearInterval(timer));
  return { ...running, tick };
}
