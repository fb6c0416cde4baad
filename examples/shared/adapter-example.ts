// What the Express, Fastify and Hono examples share: the options, the page, and the `tick` events it shows
// (`{"count":12,"time":"…"}`). Only the route that hands a request to @tidings/server differs from one
// framework to the next, and that stays in each example's server.ts.
import { join } from 'node:path';
import type { Channel } from '@tidings/server';
import type { ExampleOptions } from './options.ts';
import { loadPublicFiles, type PublicFile } from './public-files.ts';
import type { TickingExample } from './ticking-example.ts';

/** Milliseconds between two ticks. */
export const DEFAULT_INTERVAL_MS = 1000;

/** port, intervalMs (between ticks; null: only on `tick()`) and retryMs. */
export type AdapterExampleOptions = ExampleOptions;
/** `tick()` broadcasts the next tick now and resolves its id. */
export type AdapterExample = TickingExample<string>;

const PAGE_DIR = join(import.meta.dirname, 'adapter-page');

/** The page's files, its title and heading naming `framework` (the page is otherwise the same for all). */
export function adapterPageFiles(framework: string): ReadonlyMap<string, PublicFile> {
  const files = new Map(loadPublicFiles(PAGE_DIR));
  const index = files.get('/index.html');
  if (index === undefined) throw new Error(`${PAGE_DIR} has no index.html`);
  const page = { ...index, body: Buffer.from(index.body.toString().replaceAll('{{framework}}', framework)) };
  files.set('/index.html', page);
  files.set('/', page);
  return files;
}

/** A `tick()` that broadcasts the next count and the time as a `tick` event on `channel` and resolves its id. */
export function countingTicks(channel: Channel): () => Promise<string> {
  // The channel gives each event an id (a random UUID, so an id from before a restart is unknown to the new
  // server rather than mistaken for one of its events); the browser sends the last one back as Last-Event-ID.
  let count = 0;
  return () => {
    count++;
    return channel.broadcastJson({ count, time: new Date().toISOString() }, { event: 'tick' });
  };
}
