// The stock ticker: the seed article's "real-time chart of streaming stock prices". Every interval each
// symbol gets a new simulated price, sent as a `price` event with JSON data
// (`{"symbol":"TIDE","price":104.87,"change":0.67,"time":"…"}`); the page keeps a table and a chart per symbol.
import { createServer } from 'node:http';
import { join } from 'node:path';
import { createChannel } from '@tidings/server';
import { createSession } from '@tidings/server/node';
import { listenOnLoopback, type RunningExample } from '../shared/listen.ts';
import { loadPublicFiles, sendText, servePublicFile } from '../shared/public-files.ts';
import { PriceWalk } from './price-walk.ts';

export interface TickerOptions {
  /** TCP port; 0 picks a free one. Default 3102. */
  port?: number;
  /** Milliseconds between two rounds of prices; null publishes only when `tick()` is called (the tests). Default 1000. */
  intervalMs?: number | null;
  /** The `retry:` hint: milliseconds the browser waits before it reconnects. Default 2000. */
  retryMs?: number;
  /** Seed of the price walk: the same seed gives the same prices on every run. Default 20110301. */
  seed?: number;
}

export interface TickerApp extends RunningExample {
  /** The symbols quoted, in the order each round publishes them. */
  readonly symbols: readonly string[];
  /** Publishes one price per symbol now and resolves their ids once the channel has stored them. */
  tick(): Promise<string[]>;
}

export async function startTicker(options: TickerOptions = {}): Promise<TickerApp> {
  const { port = 3102, intervalMs = 1000, retryMs = 2000, seed = 20_110_301 } = options;
  const files = loadPublicFiles(join(import.meta.dirname, 'public'));
  const walk = new PriceWalk(seed);
  const channel = createChannel();

  // The channel gives each event an id (a random UUID, so an id from before a restart is unknown to the new
  // server rather than mistaken for one of its events); the browser sends the last one back as Last-Event-ID.
  const tick = () => {
    const time = new Date().toISOString();
    return Promise.all(walk.step().map((quote) => channel.broadcastJson({ ...quote, time }, { event: 'price' })));
  };

  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (pathname === '/prices') {
      const session = createSession(req, res, { retry: retryMs });
      if (session !== null) channel.register(session);
      return;
    }
    if (servePublicFile(req, res, pathname, files)) return;
    sendText(res, 404, `Not found: ${pathname}. The ticker is at / and its event stream at /prices.`);
  });

  const timer = intervalMs === null ? undefined : setInterval(() => tick().catch(console.error), intervalMs);
  const app = await listenOnLoopback(server, port, () => clearInterval(timer));
  return { ...app, symbols: walk.symbols, tick };
}
