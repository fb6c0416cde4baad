/**
 * `mountDashboard(hub, options)`: the live dashboard, added to a hub with `hub.use()`.
 *   GET  /                           the dashboard page
 *   GET  /dashboard/stats            event stream of `stats` events (one per sample)
 *   GET  /dashboard/stats.json       the same view once, with the kept samples
 *   GET  /dashboard/tidings-client.js the @tidings/client browser bundle
 *   GET  /dashboard/<file>           the dashboard's scripts and styles
 * Who may see topic names is decided in stats-view.ts; the README's "Dashboard" section explains it.
 */
import type { Hub } from '../create-hub.js';
import { clientBundlePath, createClientBundleLoader } from './client-bundle.js';
import {
  DASHBOARD_MAX_TOPICS,
  DASHBOARD_MAX_VIEWERS,
  DASHBOARD_SAMPLE_INTERVAL_MS,
  DASHBOARD_SAMPLES_KEPT,
} from './dashboard-limits.js';
import { fileResponse, loadStaticFiles, type StaticFile } from './static-files.js';
import { StatsSampler } from './stats-sampler.js';
import { openStatsStream } from './stats-stream.js';
import { statsView, topicFilterFor } from './stats-view.js';

/** Options of `mountDashboard`. `undefined` means the default. */
export interface DashboardOptions {
  /** Milliseconds between stats samples; default 1000. */
  sampleInterval?: number;
  /** Concurrent stats streams (dashboard pages); more get 429; default 1000. */
  maxViewers?: number;
  /** Path of the client browser bundle; default the `@tidings/client/browser-bundle` export's file. */
  clientBundle?: string;
}

export interface Dashboard {
  /** Stops the sampler and ends the stats streams; the routes then answer 404. */
  close(): void;
}

function whole(name: string, value: unknown, fallback: number, min: number, unit: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min)
    throw new TypeError(`${name} must be a whole number of ${unit} >= ${min}, got ${String(value)}`);
  return value;
}
const interval = (name: string, value: unknown, fallback: number) => whole(name, value, fallback, 10, 'milliseconds');

const text = (status: number, body: string, headers: Record<string, string> = {}) =>
  new Response(`${body}\n`, { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers } });

/**
 * The demos were removed from the hub (they repeated the examples in the repository's examples/ folder):
 * an old option says so instead of being ignored.
 */
const REMOVED_OPTIONS = ['demos', 'demoIntervals'];

export function mountDashboard(hub: Hub, options: DashboardOptions = {}): Dashboard {
  if (typeof hub !== 'object' || hub === null || typeof hub.use !== 'function')
    throw new TypeError('mountDashboard needs the hub returned by createHub()');
  if (typeof options !== 'object' || options === null) throw new TypeError('mountDashboard options must be an object');
  for (const name of REMOVED_OPTIONS) {
    if (name in options)
      throw new TypeError(
        `${name} is gone: the hub no longer serves demo pages; the repository's examples/ folder has them (remove the option)`,
      );
  }
  if (options.clientBundle !== undefined && typeof options.clientBundle !== 'string')
    throw new TypeError('clientBundle must be the path of the built tidings-client.min.js');
  const maxViewers = whole('maxViewers', options.maxViewers, DASHBOARD_MAX_VIEWERS, 1, 'streams');
  const sampleInterval = interval('sampleInterval', options.sampleInterval, DASHBOARD_SAMPLE_INTERVAL_MS);

  const files = loadStaticFiles();
  const bundle = createClientBundleLoader(options.clientBundle ?? clientBundlePath());
  const sampler = new StatsSampler(hub, DASHBOARD_SAMPLES_KEPT);
  sampler.start(sampleInterval);
  const viewers = new Set<() => void>();
  let closed = false;

  const serveFile = (file: StaticFile | undefined, method: string): Response | null => {
    if (file === undefined) return null;
    if (method !== 'GET' && method !== 'HEAD') return text(405, 'use GET', { allow: 'GET, HEAD' });
    return fileResponse(file, method);
  };

  async function dashboardRoute(request: Request, name: string): Promise<Response | null> {
    if (name === 'stats' || name === 'stats.json') {
      if (request.method !== 'GET') return text(405, 'use GET', { allow: 'GET' });
      const filter = await topicFilterFor(hub, request.headers.get('authorization'));
      if (name === 'stats.json') {
        const view = statsView(hub, hub.stats(), sampler.samples.at(-1), filter, DASHBOARD_MAX_TOPICS, sampler.samples);
        return new Response(`${JSON.stringify(view)}\n`, {
          headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
        });
      }
      if (viewers.size >= maxViewers)
        return text(429, 'too many dashboard viewers; try again later', { 'retry-after': '5' });
      const stream = openStatsStream(hub, sampler, request, filter, () => viewers.delete(stream.close));
      viewers.add(stream.close);
      return stream.response;
    }
    if (name === 'tidings-client.js') {
      const bytes = await bundle();
      if (bytes === null)
        return text(
          503,
          'the @tidings/client browser bundle is not built yet: run "npm run build" at the repository root',
        );
      return fileResponse({ body: bytes, contentType: 'text/javascript; charset=utf-8' }, request.method);
    }
    return serveFile(files.get(`dashboard/${name}`), request.method);
  }

  async function route(request: Request): Promise<Response | null> {
    const path = new URL(request.url).pathname;
    if (path === '/') return serveFile(files.get('dashboard/index.html'), request.method);
    if (path.startsWith('/dashboard/')) return dashboardRoute(request, path.slice('/dashboard/'.length));
    return null;
  }

  hub.use((request) => (closed ? null : route(request)));

  return {
    close() {
      if (closed) return;
      closed = true;
      sampler.stop();
      for (const endViewer of [...viewers]) endViewer();
    },
  };
}
