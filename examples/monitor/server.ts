// The server monitor from the seed article "Server-Sent Events": a page on /stats that shows, live, how many
// clients are connected (`connections`), how many requests the server has answered (`requests`), its uptime
// (`uptime`), the load average (`load`) and the busiest processes (`processes`). Every event goes through one
// channel with a history, so a page that loses its connection catches up on what it missed.
import { createServer } from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createChannel } from '@tidings/server';
import { createSession } from '@tidings/server/node';
import { listenOnLoopback, type RunningExample } from '../shared/listen.ts';
import { loadPublicFiles, sendText, servePublicFile } from '../shared/public-files.ts';
import { type ProcessList, ProcessSampler } from './processes.ts';

export interface MonitorOptions {
  /** TCP port; 0 picks a free one. Default 3101. */
  port?: number;
  /** Milliseconds between two rounds of figures; null publishes only when `tick()` is called (the tests). Default 1000. */
  intervalMs?: number | null;
  /**
   * Milliseconds between two samples of the process table (reading it costs more than the other figures);
   * null samples once at start. Default 3000.
   */
  processIntervalMs?: number | null;
  /** The `retry:` hint: milliseconds the browser waits before it reconnects. Default 2000. */
  retryMs?: number;
}

export interface MonitorApp extends RunningExample {
  /** Publishes one round of figures now (requests, uptime, load, processes) and resolves their ids. */
  tick(): Promise<string[]>;
}

export async function startMonitor(options: MonitorOptions = {}): Promise<MonitorApp> {
  const { port = 3101, intervalMs = 1000, processIntervalMs = 3000, retryMs = 2000 } = options;
  const files = loadPublicFiles(join(import.meta.dirname, 'public'));
  const channel = createChannel();
  const startedAt = Date.now();
  let requests = 0;

  // The channel gives each event an id (a random UUID, so an id from before a restart is unknown to the new
  // server rather than mistaken for one of its events); the browser sends the last one back as Last-Event-ID.
  const publish = (event: string, value: unknown): Promise<string> => channel.broadcastJson(value, { event });

  // The seed's live "connections" figure: the channel says when a session comes or goes. Nobody waits for
  // these ids, so a refusal is logged here rather than left as an unhandled rejection.
  const publishConnections = (count: number) => {
    publish('connections', count).catch((error: unknown) => console.error('connections not published:', error));
  };
  channel.on('session-registered', ({ count }) => publishConnections(count));
  channel.on('session-deregistered', ({ count }) => publishConnections(count));

  const sampler = new ProcessSampler();
  let processes: ProcessList = { source: 'none', processes: [] };
  const sampleProcesses = async () => {
    processes = await sampler.sample();
  };
  await sampleProcesses();
  const processTimer =
    processIntervalMs === null ? undefined : setInterval(() => void sampleProcesses(), processIntervalMs);

  // All four are broadcast now, in this order (the log orders them as they are appended).
  const tick = () =>
    Promise.all([
      publish('requests', requests),
      publish('uptime', Math.round((Date.now() - startedAt) / 1000)),
      publish('load', loadavg()),
      publish('processes', processes),
    ]);

  const server = createServer((req, res) => {
    requests++;
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (pathname === '/stats') {
      // The seed sent browsers that do not accept an event stream to the page; so does this example.
      const session = createSession(req, res, {
        retry: retryMs,
        onNotAcceptable: (_req, response) => {
          response.writeHead(302, { location: '/' });
          response.end();
        },
      });
      if (session !== null) channel.register(session);
      return;
    }
    if (servePublicFile(req, res, pathname, files)) return;
    sendText(res, 404, `Not found: ${pathname}. The monitor is at / and its event stream at /stats.`);
  });
  const timer = intervalMs === null ? undefined : setInterval(() => tick().catch(console.error), intervalMs);
  const app = await listenOnLoopback(server, port, () => {
    clearInterval(timer);
    clearInterval(processTimer);
  });
  return { ...app, tick };
}
