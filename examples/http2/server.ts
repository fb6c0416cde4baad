// @tidings/server on node:http2 over TLS. Browsers open at most six HTTP/1.1 connections to one host, and
// every EventSource holds one, so a seventh stream on a page waits forever. Over HTTP/2 all streams share
// one connection: this page opens SENSOR_COUNT event streams at once and every one of them is live.
// The compatibility API (`createSecureServer` with a (req, res) handler) works with `createSession` as is.
import { createSecureServer, type Http2Session } from 'node:http2';
import { join } from 'node:path';
import { type Channel, createChannel } from '@tidings/server';
import { createSession } from '@tidings/server/node';
import { HOST, listen, type RunningExample } from '../shared/listen.ts';
import { loadPublicFiles, sendText, servePublicFile } from '../shared/public-files.ts';
import { makeSelfSignedCertificate } from './self-signed.ts';

/** Event streams the page opens, one per simulated sensor: more than the six a browser allows over HTTP/1.1. */
export const SENSOR_COUNT = 8;
/** port (0: a free one; default 3109), intervalMs between rounds of readings (null: only on `tick()`; default 1000), retryMs (default 2000). */
export type Http2ExampleOptions = { port?: number; intervalMs?: number | null; retryMs?: number };

export interface Http2Example extends RunningExample {
  /** Publishes one reading per sensor now; resolves the ids, index i for sensor i + 1. */
  tick(): Promise<string[]>;
}

const SENSOR_PATH = /^\/sensors\/(\d+)\/events$/;

export async function startHttp2Example(options: Http2ExampleOptions = {}): Promise<Http2Example> {
  const { intervalMs = 1000, retryMs = 2000 } = options;
  const files = loadPublicFiles(join(import.meta.dirname, 'public'));

  // One channel (and so one history, and ids of its own: random UUIDs) per sensor.
  const sensors: { channel: Channel; readings: number; value: number }[] = [];
  for (let i = 0; i < SENSOR_COUNT; i++) sensors.push({ channel: createChannel(), readings: 0, value: 20 + i });
  const tick = (): Promise<string[]> =>
    Promise.all(
      sensors.map((sensor, index) => {
        // A slow drift with a small wobble: a plausible temperature, different for each sensor.
        sensor.value = Math.round((sensor.value + Math.sin(sensor.readings++ + index) * 0.3) * 100) / 100;
        const reading = { sensor: index + 1, celsius: sensor.value, time: new Date().toISOString() };
        return sensor.channel.broadcastJson(reading, { event: 'reading' });
      }),
    );

  const { cert, key } = makeSelfSignedCertificate();
  // allowHTTP1 lets tools without HTTP/2 (curl --http1.1, old clients) use the example too.
  const server = createSecureServer({ cert, key, allowHTTP1: true }, (req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'https://localhost');
    const match = SENSOR_PATH.exec(pathname);
    if (match !== null) {
      const sensor = sensors[Number(match[1]) - 1];
      if (sensor === undefined) {
        sendText(res, 404, `No sensor ${match[1]}: sensors are numbered 1 to ${SENSOR_COUNT}.`);
        return;
      }
      const session = createSession(req, res, { retry: retryMs });
      if (session !== null) sensor.channel.register(session);
      return;
    }
    if (pathname === '/sensors') {
      // The page asks how many streams to open, so the number lives in one place: SENSOR_COUNT.
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' });
      res.end(JSON.stringify({ count: SENSOR_COUNT }));
      return;
    }
    if (servePublicFile(req, res, pathname, files)) return;
    sendText(res, 404, `Not found: ${pathname}. The page is at /.`);
  });

  // HTTP/2 sessions (one per browser connection) are tracked to cut them; HTTP/1.1 sockets are too.
  const sessions = new Set<Http2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  const sockets = new Set<import('node:net').Socket>();
  server.on('secureConnection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const cutStreams = () => {
    for (const session of sessions) session.destroy();
    for (const socket of sockets) socket.destroy();
  };

  // node:http2 has no closeAllConnections(), so this example listens and closes by itself.
  const port = await listen(server, options.port ?? 3109);
  const timer = intervalMs === null ? undefined : setInterval(() => tick().catch(console.error), intervalMs);
  return {
    port,
    url: `https://${HOST}:${port}/`,
    tick,
    cutStreams,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        server.close(() => resolve());
        cutStreams();
      }),
  };
}
