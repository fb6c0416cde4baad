// The clock: the seed article's "page that has a clock updated from the server side". Every second the
// server broadcasts its time as a `time` event to everyone on /events; the channel's history lets a page
// that lost its connection catch up on the ticks it missed.
import { createServer } from 'node:http';
import { join } from 'node:path';
import { createChannel } from '@tidings/server';
import { createSession } from '@tidings/server/node';
import { listenOnLoopback, type RunningExample } from '../shared/listen.ts';
import { loadPublicFiles, sendText, servePublicFile } from '../shared/public-files.ts';

export interface ClockOptions {
  /** TCP port; 0 picks a free one. Default 3105. */
  port?: number;
  /** Milliseconds between two ticks; null ticks only when `tick()` is called (the tests). Default 1000. */
  intervalMs?: number | null;
  /** The `retry:` hint: milliseconds the browser waits before it reconnects. Default 2000. */
  retryMs?: number;
}

export interface ClockApp extends RunningExample {
  /** Broadcasts the time now and resolves the event's id once the channel has stored it. */
  tick(): Promise<string>;
}

export async function startClock(options: ClockOptions = {}): Promise<ClockApp> {
  const { port = 3105, intervalMs = 1000, retryMs = 2000 } = options;
  const files = loadPublicFiles(join(import.meta.dirname, 'public'));
  const channel = createChannel();

  // The channel gives each event an id (a random UUID, so an id from before a restart is unknown to the new
  // server rather than mistaken for one of its events); the browser sends the last one back as Last-Event-ID.
  const tick = () => channel.broadcast(new Date().toISOString(), { event: 'time' });

  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (pathname === '/events') {
      const session = createSession(req, res, { retry: retryMs });
      if (session !== null) channel.register(session);
      return;
    }
    if (servePublicFile(req, res, pathname, files)) return;
    sendText(res, 404, `Not found: ${pathname}. The clock is at / and its event stream at /events.`);
  });

  const timer = intervalMs === null ? undefined : setInterval(() => tick().catch(console.error), intervalMs);
  const app = await listenOnLoopback(server, port, () => clearInterval(timer));
  return { ...app, tick };
}
