// The stock ticker: the seed article's "real-time chart of streaming stock prices". Every interval each
// symbol gets a new simulated price, sent as a `price` event with JSON data
// (`{"symbol":"TIDE","price":104.87,"change":0.67,"time":"…"}`); the page keeps a table and a chart per symbol.
import { createServer } from 'node:http';
import { join } from 'node:path';
import { createChannel } from '@tidings/server';
import { createSession } from '@tidings/server/node';
import { listen } from '../shared/listen.ts';
import { type ExampleOptions, resolveOptions } from '../shared/options.ts';
import { loadPublicFiles, sendText, servePublicFile } from '../shared/public-files.ts';
import { type TickingExample, tickingExample } from '../shared/ticking-example.ts';
import { PriceWalk } from './price-walk.ts';

/** Port when PORT is not set. */
export const DEFAULT_PORT = 3102;
/** Milliseconds between two rounds of prices. */
export const DEFAULT_INTERVAL_MS = 1000;
/** Seed of the random walk when none is given: the same prices on every run. */
export const DEFAULT_SEED = 20_110_301;

export interface TickerOptions extends ExampleOptions {
  /** Seed of the price walk (an integer). Default DEFAULT_SEED. */
  seed?: number;
}

export interface TickerApp extends TickingExample<string[]> {
  /** The symbols quoted, in the order each round publishes them (`tick()` resolves one id per symbol). */
  readonly symbols: readonly string[];
}

export async function startTicker(options: TickerOptions = {}): Promise<TickerApp> {
  const { port, intervalMs, retry } = resolveOptions(options, { port: DEFAULT_PORT, intervalMs: DEFAULT_INTERVAL_MS });
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed)) {
    throw new TypeError(`seed must be an integer, got ${String(options.seed)}`);
  }
  const files = loadPublicFiles(join(import.meta.dirname, 'public'));
  const walk = new PriceWalk(options.seed ?? DEFAULT_SEED);
  const channel = createChannel();

  // The channel gives each event an id (a random UUID, so an id from before a restart is unknown to the new
  // server rather than mistaken for one of its events); the browser sends the last one back as Last-Event-ID.
  const tick = (): Promise<string[]> => {
    const time = new Date().toISOString();
    return Promise.all(walk.step().map((quote) => channel.broadcastJson({ ...quote, time }, { event: 'price' })));
  };

  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (pathname === '/prices') {
      const session = createSession(req, res, { retry });
      if (session !== null) channel.register(session);
      return;
    }
    if (servePublicFile(req, res, pathname, files)) return;
    sendText(res, 404, `Not found: ${pathname}. The ticker is at / and its event stream at /prices.`);
  });
  const app = tickingExample({ server, port: await listen(server, port), intervalMs, tick });
  return { ...app, symbols: walk.symbols };
}
