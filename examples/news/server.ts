// The news feed: headlines pushed to every reader as named `news` events with JSON data
// (`{"title":"…","section":"Science","publishedAt":"…"}`); the page puts the newest at the top.
import { createServer } from 'node:http';
import { join } from 'node:path';
import { createChannel } from '@tidings/server';
import { createSession } from '@tidings/server/node';
import { listen } from '../shared/listen.ts';
import { type ExampleOptions, resolveOptions } from '../shared/options.ts';
import { loadPublicFiles, sendText, servePublicFile } from '../shared/public-files.ts';
import { type TickingExample, tickingExample } from '../shared/ticking-example.ts';
import { headline } from './headlines.ts';

/** Port when PORT is not set. */
export const DEFAULT_PORT = 3103;
/** Milliseconds between two headlines. */
export const DEFAULT_INTERVAL_MS = 4000;

/** port, intervalMs (between headlines; null: only on `tick()`) and retryMs. */
export type NewsOptions = ExampleOptions;
/** `tick()` publishes the next headline now and resolves its id. */
export type NewsApp = TickingExample<string>;

export async function startNews(options: NewsOptions = {}): Promise<NewsApp> {
  const { port, intervalMs, retry } = resolveOptions(options, { port: DEFAULT_PORT, intervalMs: DEFAULT_INTERVAL_MS });
  const files = loadPublicFiles(join(import.meta.dirname, 'public'));
  const channel = createChannel();

  // The channel gives each event an id (a random UUID, so an id from before a restart is unknown to the new
  // server rather than mistaken for one of its events); the browser sends the last one back as Last-Event-ID.
  let published = 0;
  const tick = (): Promise<string> => channel.broadcastJson(headline(published++), { event: 'news' });

  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (pathname === '/news') {
      const session = createSession(req, res, { retry });
      if (session !== null) channel.register(session);
      return;
    }
    if (servePublicFile(req, res, pathname, files)) return;
    sendText(res, 404, `Not found: ${pathname}. The news feed is at / and its event stream at /news.`);
  });
  return tickingExample({ server, port: await listen(server, port), intervalMs, tick });
}
