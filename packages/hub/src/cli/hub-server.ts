/**
 * The server `tidings hub` listens with: node:http for plain HTTP/1.1, or, with TLS, node:http2's secure
 * server with `allowHTTP1`, so HTTP/2 and HTTP/1.1 are negotiated by ALPN on one port and both reach the
 * same request listener (the compatibility API gives HTTP/2 streams the req/res shape of node:http).
 *
 * Over HTTP/1.1 a browser opens at most six connections per origin, so a seventh EventSource of a page
 * waits; over HTTP/2 every stream of the page shares one connection, each with its own flow control.
 */
import { createServer } from 'node:http';
import {
  createSecureServer,
  type Http2ServerRequest,
  type Http2ServerResponse,
  constants as http2,
  type ServerHttp2Session,
} from 'node:http2';
import type { Server, Socket } from 'node:net';
import type { Logger } from '../logger.js';
import {
  HEADERS_TIMEOUT_SECONDS,
  HTTP2_IDLE_TIMEOUT_MS,
  HTTP2_MAX_CONCURRENT_STREAMS,
  TIMEOUT_CHECK_INTERVAL_MS,
} from './cli-limits.js';
import { createDevCertificate, DEV_CERT_NAMES } from './dev-certificate.js';
import type { TlsConfig } from './tls-options.js';

export interface HubServerOptions {
  /** null: plain HTTP/1.1. */
  readonly tls: TlsConfig | null;
  /** Milliseconds a client has to send a whole request (--request-timeout); then 408. */
  readonly requestTimeoutMs: number;
  readonly log: Logger;
  /** Milliseconds an HTTP/2 connection without streams is kept; default HTTP2_IDLE_TIMEOUT_MS. */
  readonly idleTimeoutMs?: number;
}

export interface HubServer {
  /** The listening server: listen(), address() and the 'request' event work as on node:http. */
  readonly server: Server;
  readonly scheme: 'http' | 'https';
  /**
   * Stops taking connections and tells every HTTP/2 connection, with GOAWAY, that it takes no new
   * streams; open streams go on until they end. `done` runs once every connection is closed.
   */
  close(done: () => void): void;
  /** Closes connections with no request under way (HTTP/1.1 keep-alive, HTTP/2 without streams). */
  closeIdle(): void;
  /** Cuts every connection, whatever is under way. */
  closeAll(): void;
}

const TEXT = 'text/plain; charset=utf-8';

/** What node:http2's secure server with `allowHTTP1` shares with node:http for its HTTP/1.1 connections. */
interface Http1Side {
  requestTimeout: number;
  headersTimeout: number;
  connectionsCheckingInterval: number;
  closeIdleConnections(): void;
}

export function createHubServer(options: HubServerOptions): HubServer {
  const { tls, requestTimeoutMs, log } = options;
  const headersTimeout = Math.min(HEADERS_TIMEOUT_SECONDS * 1000, requestTimeoutMs);
  if (tls === null) {
    const server = createServer({
      requestTimeout: requestTimeoutMs,
      headersTimeout,
      connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
    });
    return {
      server,
      scheme: 'http',
      close: (done) => void server.close(() => done()),
      closeIdle: () => server.closeIdleConnections(),
      closeAll: () => server.closeAllConnections(),
    };
  }

  let material: { cert: string; key: string };
  if (tls.source === 'dev-cert') {
    const dev = createDevCertificate();
    material = dev;
    log.warn('--dev-cert: serving a self-signed certificate made for this run; for development only', {
      names: DEV_CERT_NAMES,
      fingerprint256: dev.fingerprint256,
      validTo: dev.validTo.toISOString(),
    });
  } else {
    material = tls;
  }
  const server = createSecureServer({
    ...material,
    allowHTTP1: true, // ALPN offers h2 and http/1.1; clients without ALPN get HTTP/1.1
    // A TLS handshake left unfinished holds its socket like a slow request head: the same limit (Node's
    // default is 120 s).
    handshakeTimeout: headersTimeout,
    settings: { maxConcurrentStreams: HTTP2_MAX_CONCURRENT_STREAMS },
  });
  // The HTTP/1.1 side of the secure server honours the same timeouts as node:http: Node reads them from
  // these properties (its defaults are 5 minutes and 60 s), which @types/node does not describe.
  const http1Side = server as unknown as Http1Side;
  http1Side.requestTimeout = requestTimeoutMs;
  http1Side.headersTimeout = headersTimeout;
  http1Side.connectionsCheckingInterval = TIMEOUT_CHECK_INTERVAL_MS;

  const sockets = new Set<Socket>();
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const sessions = new Map<ServerHttp2Session, { streams: number }>();
  const idleTimeoutMs = options.idleTimeoutMs ?? HTTP2_IDLE_TIMEOUT_MS;
  let closing = false;
  server.on('session', (session: ServerHttp2Session) => {
    const state = { streams: 0 };
    sessions.set(session, state);
    if (closing) session.close();
    // Idle means no open stream, however quiet the streams are (heartbeats off, no updates): a timer
    // of its own, not Node's session timeout, which counts traffic and would cut a quiet event stream.
    let idle: NodeJS.Timeout | undefined;
    const whenIdle = () => {
      idle = setTimeout(() => session.close(), idleTimeoutMs);
      idle.unref();
    };
    whenIdle();
    session.on('stream', (stream) => {
      state.streams++;
      clearTimeout(idle);
      stream.once('close', () => {
        state.streams--;
        if (state.streams === 0 && !session.closed) whenIdle();
      });
    });
    session.once('close', () => {
      clearTimeout(idle);
      sessions.delete(session);
    });
  });
  server.on('request', (req: Http2ServerRequest, res: Http2ServerResponse) => {
    if (req.httpVersionMajor === 2) limitRequestTime(res, requestTimeoutMs);
  });

  return {
    server,
    scheme: 'https',
    close(done) {
      closing = true;
      server.close(() => done());
      // [spec] RFC 9113 §6.8: GOAWAY (NO_ERROR) with the last stream processed; the client opens new
      // streams on a new connection and the ones under way finish. Node's close() alone sends none.
      for (const session of sessions.keys()) session.close();
    },
    closeIdle() {
      http1Side.closeIdleConnections(); // the HTTP/1.1 connections
      for (const [session, state] of sessions) if (state.streams === 0) session.close();
    },
    closeAll() {
      for (const session of sessions.keys()) session.destroy();
      for (const socket of sockets) socket.destroy();
    },
  };
}

/**
 * node:http's requestTimeout does not reach HTTP/2 streams: a request whose body has not all arrived
 * within the time (a publish whose body never finishes) gets 408 and its stream is closed, as on
 * HTTP/1.1. A complete request is never cut, however long its answer takes, and an event stream's
 * request is complete with its head.
 */
function limitRequestTime(res: Http2ServerResponse, timeoutMs: number): void {
  const timer = setTimeout(() => {
    const stream = res.stream;
    if (res.headersSent || stream.destroyed || stream.state.remoteClose) return;
    res.writeHead(408, { 'content-type': TEXT });
    // [spec] RFC 9113 §8.1: after a complete response, RST_STREAM with NO_ERROR asks the client to stop
    // sending the rest of its request.
    res.end('the request took too long\n', () => stream.close(http2.NGHTTP2_NO_ERROR));
  }, timeoutMs);
  timer.unref();
  res.once('close', () => clearTimeout(timer));
  res.once('finish', () => clearTimeout(timer));
}
