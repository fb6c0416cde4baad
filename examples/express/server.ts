// @tidings/server on Express: `createSession(req, res)` takes Express's req and res as they are (they are
// Node's), and a channel broadcasts a `tick` event every second to every open page.
import { createServer } from 'node:http';
import { createChannel } from '@tidings/server';
import { createSession } from '@tidings/server/node';
import express from 'express';
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
export const DEFAULT_PORT = 3106;

export type ExpressExampleOptions = AdapterExampleOptions;
export type ExpressExample = AdapterExample;

export async function startExpressExample(options: ExpressExampleOptions = {}): Promise<ExpressExample> {
  const { port, intervalMs, retry } = resolveOptions(options, { port: DEFAULT_PORT, intervalMs: DEFAULT_INTERVAL_MS });
  const files = adapterPageFiles('Express');
  const channel = createChannel();
  const tick = countingTicks(channel);

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
  return tickingExample({ server, port: await listen(server, port), intervalMs, tick });
}
