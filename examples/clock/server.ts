// The clock: the seed article's "page that has a clock updated from the server side". Every second the
// server broadcasts its time as a `time` event to everyone on /events; the channel's history lets a page
// that lost its connection catch up on the ticks it missed.
import { createServer } from 'node:http';
import { join } from 'node:path';
import { createChannel } from '@tidings/server';
import { createSession } from '@tidings/server/node';
import { listen } from '../shared/listen.ts';
import { type ExampleOptions, resolveOptions } from '../shared/options.ts';
import { loadPublicFiles, sendText, servePublicFile } from '../shared/public-files.ts';
import { type TickingExample, tickingExample } from '../shared/ticking-example.ts';

/** Port when PORT is not set. */
export const DEFAULT_PORT = 3105;
/** Milliseconds between two ticks. */
export const DEFAULT_INTERVAL_MS = 1000;

/** port, intervalMs (between ticks; null: only on `tick()`) and retryMs. */
export type ClockOptions = ExampleOptions;
/** `tick()` broadcasts the time now and resolves the event's id. */
export type ClockApp = TickingExample<string>;

export async function startClock(options: ClockOptions = {}): Promise<ClockApp> {
  const { port, intervalMs, retry } = resolveOptions(options, { port: DEFAULT_PORT, intervalMs: DEFAULT_INTERVAL_MS });
  const files = loadPublicFiles(join(import.meta.dirname, 'public'));
  const channel = createChannel();

  // The channel gives each event an id (a random UUID, so an id from before a restart is unknown to the new
  // server rather than mistaken for one of its events); the browser sends the last one back as Last-Event-ID.
  const tick = (): Promise<string> => channel.broadcast(new Date().toISOString(), { event: 'time' });

  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (pathname === '/events') {
      const session = createSession(req, res, { retry });
      if (session !== null) channel.register(session);
      return;
    }
    if (servePublicFile(req, res, pathname, files)) return;
    sendText(res, 404, `Not found: ${pathname}. The clock is at / and its event stream at /events.`);
  });
  return tickingExample({ server, port: await listen(server, port), intervalMs, tick });
}
