/**
 * `mountDashboard(hub, options)`: the live dashboard and the demos, added to a hub with `hub.use()`.
 *   GET  /                           the dashboard page
 *   GET  /dashboard/stats            event stream of `stats` events (one per sample)
 *   GET  /dashboard/stats.json       the same view once, with the kept samples
 *   GET  /dashboard/tidings-client.js the @tidings/client browser bundle
 *   GET  /dashboard/<file>           the dashboard's scripts and styles
 *   GET  /demo/, /demo/<name>        the demo pages (ticker, monitor, chat, clock), with `demos: true`
 *   GET  /demo/hub?topic=…           the demos' own hub (subscribe only): they never publish to the real one
 *   POST /demo/chat/messages         the chat demo's send (JSON, checked, rate-limited, published there)
 * Who may see topic names is decided in stats-view.ts; the README's "Dashboard" section explains it.
 */
import { createHub, HUB_PATH, type Hub } from '../create-hub.js';
import { RateLimit } from '../rate-limit.js';
import { clientBundlePath, createClientBundleLoader } from './client-bundle.js';
import {
  DASHBOARD_MAX_TOPICS,
  DASHBOARD_MAX_VIEWERS,
  DASHBOARD_SAMPLE_INTERVAL_MS,
  DASHBOARD_SAMPLES_KEPT,
} from './dashboard-limits.js';
import { answerChatPost, CHAT_MESSAGES_PATH } from './demos/chat-route.js';
import {
  DEMO_CHAT_BURST,
  DEMO_CHAT_PER_SECOND,
  DEMO_CLOCK_INTERVAL_MS,
  DEMO_HISTORY_SIZE,
  DEMO_MONITOR_INTERVAL_MS,
  DEMO_TICKER_INTERVAL_MS,
} from './demos/demo-limits.js';
import { type DemoIntervals, startDemoPublishers } from './demos/demo-publishers.js';
import { fileResponse, loadStaticFiles, type StaticFile } from './static-files.js';
import { StatsSampler } from './stats-sampler.js';
import { openStatsStream } from './stats-stream.js';
import { statsView, topicFilterFor } from './stats-view.js';

/** Options of `mountDashboard`. `undefined` means the default. */
export interface DashboardOptions {
  /**
   * Serve the demo pages under /demo/ and run their publishers, on a hub of their own (nothing they send
   * reaches the real history, limits or subscribers); default false. The monitor demo shows this host's
   * busiest process names to anyone who opens it: turn demos on only where that is fine.
   */
  demos?: boolean;
  /** Milliseconds between stats samples; default 1000. */
  sampleInterval?: number;
  /** Milliseconds between demo publishes; defaults: ticker 1000, monitor 2000, clock 1000. */
  demoIntervals?: Partial<DemoIntervals>;
  /** Concurrent stats streams (dashboard pages); more get 429; default 1000. */
  maxViewers?: number;
  /** Path of the client browser bundle; default the `@tidings/client/browser-bundle` export's file. */
  clientBundle?: string;
}

export interface Dashboard {
  /** Stops the sampler and the demo publishers and ends the stats streams; the routes then answer 404. */
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

/** The dashboard page links to the demos only when they are on (they are opt-in). */
function showDemosLink(files: Map<string, StaticFile>): void {
  const page = files.get('dashboard/index.html');
  if (page === undefined) return;
  const html = Buffer.from(page.body)
    .toString('utf8')
    .replace('id="demos-link" href="/demo/" hidden', 'id="demos-link" href="/demo/"');
  files.set('dashboard/index.html', { ...page, body: new Uint8Array(Buffer.from(html, 'utf8')) });
}

/** Where the demo pages subscribe: the demos' own hub. */
const DEMO_HUB_PATH = '/demo/hub';

/** A subscription to the demos' hub (GET, and OPTIONS for CORS); it takes no publishes. */
function demoSubscription(demoHub: Hub, request: Request): Promise<Response> | Response {
  if (request.method !== 'GET' && request.method !== 'HEAD' && request.method !== 'OPTIONS')
    return text(405, "the demos' hub only takes subscriptions (GET); chat messages go to /demo/chat/messages", {
      allow: 'GET, OPTIONS',
    });
  const target = new URL(request.url);
  target.pathname = HUB_PATH;
  return demoHub.fetch(new Request(target, request));
}

export function mountDashboard(hub: Hub, options: DashboardOptions = {}): Dashboard {
  if (typeof hub !== 'object' || hub === null || typeof hub.use !== 'function')
    throw new TypeError('mountDashboard needs the hub returned by createHub()');
  if (typeof options !== 'object' || options === null) throw new TypeError('mountDashboard options must be an object');
  if (options.demos !== undefined && typeof options.demos !== 'boolean')
    throw new TypeError('demos must be true or false');
  if (options.clientBundle !== undefined && typeof options.clientBundle !== 'string')
    throw new TypeError('clientBundle must be the path of the built tidings-client.min.js');
  if (
    options.demoIntervals !== undefined &&
    (typeof options.demoIntervals !== 'object' || options.demoIntervals === null)
  )
    throw new TypeError('demoIntervals must be an object such as { ticker: 1000, monitor: 2000, clock: 1000 }');
  const demos = options.demos ?? false;
  const maxViewers = whole('maxViewers', options.maxViewers, DASHBOARD_MAX_VIEWERS, 1, 'streams');
  const sampleInterval = interval('sampleInterval', options.sampleInterval, DASHBOARD_SAMPLE_INTERVAL_MS);
  const intervals: DemoIntervals = {
    ticker: interval('demoIntervals.ticker', options.demoIntervals?.ticker, DEMO_TICKER_INTERVAL_MS),
    monitor: interval('demoIntervals.monitor', options.demoIntervals?.monitor, DEMO_MONITOR_INTERVAL_MS),
    clock: interval('demoIntervals.clock', options.demoIntervals?.clock, DEMO_CLOCK_INTERVAL_MS),
  };

  const files = loadStaticFiles();
  if (demos) showDemosLink(files);
  const bundle = createClientBundleLoader(options.clientBundle ?? clientBundlePath());
  const sampler = new StatsSampler(hub, DASHBOARD_SAMPLES_KEPT);
  sampler.start(sampleInterval);
  const viewers = new Set<() => void>();
  let requests = 0;
  // The demos' own hub: anonymous (the pages have no token), small history, in memory, silent.
  const demoHub = demos
    ? createHub({ anonymous: true, log: null, history: { size: DEMO_HISTORY_SIZE }, heartbeat: hub.options.heartbeat })
    : null;
  const chatLimit = new RateLimit(DEMO_CHAT_BURST, DEMO_CHAT_PER_SECOND);
  const publishers = demoHub === null ? null : startDemoPublishers(demoHub, intervals, () => requests);
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
    if (demoHub === null) return null;
    if (path === '/demo') return new Response(null, { status: 308, headers: { location: '/demo/' } });
    if (path === CHAT_MESSAGES_PATH) return answerChatPost(demoHub, request, chatLimit);
    if (path === DEMO_HUB_PATH) return demoSubscription(demoHub, request);
    if (!path.startsWith('/demo/')) return null;
    const name = path.slice('/demo/'.length) || 'index';
    return serveFile(files.get(`demo/${name}.html`) ?? files.get(`demo/${name}`), request.method);
  }

  hub.use(async (request) => {
    if (closed) return null;
    const response = await route(request);
    if (response !== null) requests++;
    return response;
  });

  return {
    close() {
      if (closed) return;
      closed = true;
      sampler.stop();
      publishers?.stop();
      void demoHub?.close();
      for (const endViewer of [...viewers]) endViewer();
    },
  };
}
