// The news feed: headlines pushed to every reader as named `news` events with JSON data
// (`{"title":"…","section":"Science","publishedAt":"…"}`); the page puts the newest at the top.
import { createServer } from 'node:http';
import { join } from 'node:path';
import { createChannel } from '@tidings/server';
import { createSession } from '@tidings/server/node';
import { listenOnLoopback, type RunningExample } from '../shared/listen.ts';
import { loadPublicFiles, sendText, servePublicFile } from '../shared/public-files.ts';
import { headline } from './headlines.ts';

export interface NewsOptions {
  /** TCP port; 0 picks a free one. Default 3103. */
  port?: number;
  /** Milliseconds between two headlines; null publishes only when `tick()` is called (the tests). Default 4000. */
  intervalMs?: number | null;
  /** The `retry:` hint: milliseconds the browser waits before it reconnects. Default 2000. */
  retryMs?: number;
}

export interface NewsApp extends RunningExample {
  /** Publishes the next headline now and resolves its id once the channel has stored it. */
  tick(): Promise<string>;
}

export async function startNews(options: NewsOptions = {}): Promise<NewsApp> {
  const { port = 3103, intervalMs = 4000, retryMs = 2000 } = options;
  const files = loadPublicFiles(join(import.meta.dirname, 'public'));
  const channel = createChannel();

  // The channel gives each event an id (a random UUID, so an id from before a restart is unknown to the new
  // server rather than mistaken for one of its events); the browser sends the last one back as Last-Event-ID.
  let published = 0;
  const tick = () => channel.broadcastJson(headline(published++), { event: 'news' });

  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (pathname === '/news') {
      const session = createSession(req, res, { retry: retryMs });
      if (session !== null) channel.register(session);
      return;
    }
    if (servePublicFile(req, res, pathname, files)) return;
    sendText(res, 404, `Not found: ${pathname}. The news feed is at / and its event stream at /news.`);
  });

  const timer = intervalMs === null ? undefined : setInterval(() => tick().catch(console.error), intervalMs);
  const app = await listenOnLoopback(server, port, () => clearInterval(timer));
  return { ...app, tick };
}
