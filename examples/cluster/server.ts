// The cluster: two `tidings hub` processes, node a and node b, on one Redis and one key prefix, which makes
// them one hub (one order of updates, every update on every node once, and a shared history). A numbered
// event is published every 500 ms, alternately through each node. The page connects its EventSource to one
// node; when that node stops, the page reconnects to the other with the last id it saw (`?lastEventID=`),
// and the other node replays what the page missed from the shared history: no gap, no duplicate.
//
// This file starts the pieces in order and serves the page: Redis checked, the page's port bound (the hubs
// must know its origin for CORS), both hubs started, then the publisher. Routes:
//   GET  /                       the page (public/)
//   GET  /nodes/events           the nodes' state as an event stream (`nodes` events, one per change)
//   GET  /nodes                  the same state as JSON
//   POST /nodes/a/stop           stops node a: SIGTERM, or ?signal=SIGKILL to kill it outright
//   POST /nodes/a/start          starts it again on the same port (and the same for b)
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Session } from '@tidings/server';
import { createSession } from '@tidings/server/node';
import { HOST, listen } from '../shared/listen.ts';
import { loadPublicFiles, PAGE_HEADERS, sendText } from '../shared/public-files.ts';
import { HubNode, NODE_NAMES, type NodeName, type NodeStatus, type StopSignal } from './hub-node.ts';
import { createPublisher, type Published } from './publisher.ts';
import { checkRedis, checkRedisOptions, DEFAULT_REDIS_URL, deleteKeys, newPrefix, storeUrl } from './redis-keys.ts';

/** Port of the page when PORT is not set. */
export const DEFAULT_PORT = 3110;
/** Milliseconds between two numbered events. */
export const DEFAULT_INTERVAL_MS = 500;
/** The one topic every event is published to and the page subscribes to. */
export const TOPIC = 'urn:tidings:example:cluster';
/** The `retry:` hint of the page's status stream (the example's own server, which does not fail over). */
const STATUS_RETRY_MS = 1_000;

export interface ClusterOptions {
  /** TCP port of the page; 0 picks a free one. The hubs always get free ports. Default DEFAULT_PORT (3110). */
  port?: number;
  /** Milliseconds between two numbered events; null publishes only on `tick()`. Default 500. */
  intervalMs?: number | null;
  /** The Redis both hubs share. Default: REDIS_URL from the environment, else redis://127.0.0.1:6379. */
  redisUrl?: string;
  /** Key prefix of the hubs' history in Redis; its keys are deleted by close(). Default: a new one per start. */
  prefix?: string;
  /** Where lines about the nodes go (up, exited, the hubs' warnings); null: nowhere. Default console.log. */
  log?: ((line: string) => void) | null;
}

/** What the page is told, on connect and after every change. */
export interface ClusterStatus {
  /** Differs from one start to the next: a page that sees it change reloads (new ports, new history). */
  readonly run: string;
  readonly topic: string;
  readonly prefix: string;
  readonly nodes: Readonly<Record<NodeName, NodeStatus>>;
}

export interface ClusterApp {
  /** The page to open, e.g. http://127.0.0.1:3110/ */
  readonly url: string;
  /** Port of the page. */
  readonly port: number;
  readonly prefix: string;
  status(): ClusterStatus;
  /** What POST /nodes/NAME/stop does: resolves once the hub process has exited. */
  stopNode(name: NodeName, signal?: StopSignal): Promise<NodeStatus>;
  /** What POST /nodes/NAME/start does: resolves once the hub listens again. */
  startNode(name: NodeName): Promise<NodeStatus>;
  /** Publishes the next number now (what the timer does); null when no node took it. */
  tick(): Promise<Published | null>;
  /** Stops the timer and both hubs, closes the page server and deletes the prefix's keys from Redis. */
  close(): Promise<void>;
}

const CONTROL_PATH = /^\/nodes\/([^/]+)\/(stop|start)$/;
const SIGNALS: readonly StopSignal[] = ['SIGTERM', 'SIGKILL'];

const isNodeName = (value: string): value is NodeName => (NODE_NAMES as readonly string[]).includes(value);

/** A bad option is a TypeError that says what to pass, before Redis or any hub is touched. */
function checkOptions({ port, intervalMs }: ClusterOptions): void {
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535))
    throw new TypeError(`port must be an integer from 0 to 65535 (0 picks a free port), got ${String(port)}`);
  if (intervalMs != null && (!Number.isSafeInteger(intervalMs) || intervalMs < 1))
    throw new TypeError(`intervalMs must be a whole number of milliseconds >= 1 (or null), got ${String(intervalMs)}`);
}

export async function startCluster(options: ClusterOptions = {}): Promise<ClusterApp> {
  checkOptions(options);
  const redisUrl = options.redisUrl ?? process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
  const prefix = options.prefix ?? newPrefix();
  checkRedisOptions(redisUrl, prefix);
  const intervalMs = options.intervalMs === undefined ? DEFAULT_INTERVAL_MS : options.intervalMs;
  const log = options.log === null ? () => {} : (options.log ?? console.log);
  // Before anything starts: a missing Redis is said plainly, rather than as two hubs answering 503.
  await checkRedis(redisUrl);

  const run = randomBytes(6).toString('hex');
  // The hubs verify publishers' tokens with this secret; a new one per start, known only to this process and
  // the hubs (given in their environment: `ps` shows command lines to every user of the machine).
  const jwtKey = randomBytes(32).toString('base64url');
  const files = loadPublicFiles(join(import.meta.dirname, 'public'));
  const statusSessions = new Set<Session>();

  // The page's port first: the hubs must know its origin to allow it (CORS). It may be opened as 127.0.0.1
  // or as localhost, so both origins are allowed.
  const server = createServer();
  const port = await listen(server, options.port ?? DEFAULT_PORT);
  const pageOrigins = [`http://${HOST}:${port}`, `http://localhost:${port}`];
  const nodes = NODE_NAMES.map(
    (name) =>
      new HubNode({
        name,
        flags: ['--host', HOST, '--anonymous', '--cors-origins', pageOrigins.join(',')],
        env: { TIDINGS_JWT_KEY: jwtKey, TIDINGS_STORE: storeUrl(redisUrl, prefix) },
        onChange: () => pushStatus(),
        log,
      }),
  );
  const node = (name: NodeName): HubNode => nodes[NODE_NAMES.indexOf(name)]!;
  const status = (): ClusterStatus => ({
    run,
    topic: TOPIC,
    prefix,
    nodes: { a: node('a').status(), b: node('b').status() },
  });
  function pushStatus(): void {
    const current = status();
    for (const session of statusSessions) session.pushJson(current, { event: 'nodes' });
  }

  // Requests that come while the hubs start wait for them: the page needs their URLs (and its policy names them).
  let markStarted = () => {};
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    started
      .then(() => handle(req, res))
      .catch((error: unknown) => {
        log(`request failed: ${error instanceof Error ? error.message : String(error)}`);
        if (!res.headersSent) sendText(res, 500, 'Internal error; see the output of the cluster example.');
        else res.destroy();
      });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const { pathname } = url;
    if (pathname === '/nodes/events') {
      const session = createSession(req, res, { retry: STATUS_RETRY_MS });
      if (session === null) return;
      statusSessions.add(session);
      session.onClose(() => statusSessions.delete(session));
      session.pushJson(status(), { event: 'nodes' });
      return;
    }
    if (pathname === '/nodes') {
      sendJson(res, 200, status());
      return;
    }
    const control = CONTROL_PATH.exec(pathname);
    if (control !== null) {
      await controlNode(req, res, url, control[1]!, control[2] as 'stop' | 'start');
      return;
    }
    if (servePage(req, res, pathname)) return;
    sendText(res, 404, `Not found: ${pathname}. The page is at /, the nodes' state at /nodes.`);
  }

  async function controlNode(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    name: string,
    action: 'stop' | 'start',
  ): Promise<void> {
    if (!isNodeName(name)) return sendText(res, 404, `No node "${name}": the nodes are ${NODE_NAMES.join(' and ')}.`);
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return sendText(res, 405, `Use POST /nodes/${name}/${action}.`);
    }
    // A browser sends Origin with every POST: another site's page must not stop the nodes (scripts and
    // tests send none).
    const origin = req.headers.origin;
    if (origin !== undefined && !pageOrigins.includes(origin)) {
      return sendText(res, 403, 'Only the cluster page may stop and start nodes.');
    }
    if (action === 'stop') {
      const signal = url.searchParams.get('signal') ?? 'SIGTERM';
      if (!(SIGNALS as readonly string[]).includes(signal)) {
        return sendText(res, 400, `signal must be ${SIGNALS.join(' or ')}, got "${signal}".`);
      }
      sendJson(res, 200, await stopNode(name, signal as StopSignal));
      return;
    }
    try {
      sendJson(res, 200, await startNode(name));
    } catch (error) {
      log(`node ${name} did not start: ${error instanceof Error ? error.message : String(error)}`);
      sendText(res, 500, `Node ${name} did not start; the output of the cluster example says why.`);
    }
  }

  /** The page's files, with a policy that lets the page connect to this server and to the two hubs only. */
  function servePage(req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
    const file = files.get(pathname);
    if (file === undefined || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
    const hubs = nodes.flatMap((n) => (n.status().url === null ? [] : [new URL(n.status().url!).origin]));
    res.writeHead(200, {
      ...PAGE_HEADERS,
      'content-security-policy': `${PAGE_HEADERS['content-security-policy']}; connect-src 'self' ${hubs.join(' ')}`,
      'content-type': file.contentType,
      'content-length': file.body.length,
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
    return true;
  }

  const stopNode = async (name: NodeName, signal: StopSignal = 'SIGTERM'): Promise<NodeStatus> => {
    await node(name).stop(signal);
    return node(name).status();
  };
  const startNode = async (name: NodeName): Promise<NodeStatus> => {
    await node(name).start();
    return node(name).status();
  };

  // If this process ends without close() (an uncaught error, process.exit), no hub may be left running.
  // (A SIGKILL of this process skips even this; hub-watchdog.ts covers that case.)
  const killAll = () => {
    for (const n of nodes) n.killNow();
  };
  process.on('exit', killAll);

  let timer: NodeJS.Timeout | undefined;
  let lastTick: Promise<unknown> = Promise.resolve();
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      clearInterval(timer);
      await lastTick;
      const stopped = Promise.all(nodes.map((n) => n.close()));
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await stopped;
      await serverClosed;
      process.off('exit', killAll);
      // The hubs are gone, so nothing writes under the prefix any more.
      await deleteKeys(redisUrl, prefix).catch((error: unknown) => {
        log(`the keys under ${prefix} could not be deleted: ${error instanceof Error ? error.message : String(error)}`);
      });
    })();
    return closing;
  };

  try {
    await Promise.all(nodes.map((n) => n.start()));
    markStarted();
  } catch (error) {
    await close();
    throw error;
  }

  const publisher = createPublisher({
    nodes: [node('a'), node('b')],
    topic: TOPIC,
    jwtKey,
    idPrefix: `urn:tidings:example:cluster:${run}:`,
  });
  const tick = (): Promise<Published | null> => {
    const published = publisher.publishNext();
    lastTick = published.catch(() => {});
    return published;
  };
  if (intervalMs !== null) {
    // One publish at a time: a tick that is still waiting for a slow node is not overtaken by the next.
    let busy = false;
    timer = setInterval(() => {
      if (busy) return;
      busy = true;
      tick()
        .catch((error: unknown) => log(`a tick could not be published: ${String(error)}`))
        .finally(() => (busy = false));
    }, intervalMs);
  }

  return {
    url: `http://${HOST}:${port}/`,
    port,
    prefix,
    status,
    stopNode,
    startNode,
    tick,
    close,
  };
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': body.length,
    'cache-control': 'no-store',
  });
  res.end(body);
}
