/**
 * @tidings/server/node — event streams on node:http, node:https and node:http2 (compatibility API),
 * and so on Express, Koa (`ctx.respond = false`) and any framework that exposes Node's req/res.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Http2ServerRequest, type Http2ServerResponse, constants as http2 } from 'node:http2';
import type { Socket } from 'node:net';
import { chunkFrame } from './chunk-frame.js';
import { handshake, NOT_ACCEPTABLE } from './handshake.js';
import { type DefaultSessionState, Session, type Transport, type TransportEvents } from './session.js';
import { resolveSessionOptions, type SessionOptions } from './session-options.js';

/** A request from node:http, node:https or node:http2's compatibility API. */
export type NodeRequest = IncomingMessage | Http2ServerRequest;
/** A response from node:http, node:https or node:http2's compatibility API. */
export type NodeResponse = ServerResponse | Http2ServerResponse;

/** SessionOptions plus what only the Node adapter can do. */
export interface NodeSessionOptions extends SessionOptions {
  /**
   * Answers a request whose Accept header excludes text/event-stream (a browser navigating to the URL,
   * say: redirect it to a page). Default: 406 with a short text body.
   */
  onNotAcceptable?: (req: NodeRequest, res: NodeResponse) => void;
}

const EMPTY_CHUNK = new Uint8Array(0);

function headerOf(req: NodeRequest, name: string): string | null {
  const value = req.headers[name.toLowerCase()];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * Adapts a Node response to the session's Transport. On HTTP/1.1 with a chunked body, once the head is
 * out, events go to the socket directly, framed here: `res.write` costs a cork, a nextTick and a
 * three-buffer writev per call (a tenth of the hub's CPU under broadcast load), and the frame of a
 * broadcast batch is shared by every socket it goes to. The response still ends the body (`res.end()`
 * writes the last chunk), so keep-alive and every listener of `res` work as before.
 */
class NodeTransport implements Transport {
  readonly #res: NodeResponse;
  /** The socket written to directly, or null: HTTP/2, HTTP/1.0 (no chunks), or a response not on its socket yet. */
  readonly #socket: Socket | null;
  #onSocketDrain: (() => void) | null = null;

  constructor(res: NodeResponse, socket: Socket | null) {
    this.#res = res;
    this.#socket = socket;
  }

  attach(events: TransportEvents): void {
    const res = this.#res as ServerResponse;
    const socket = this.#socket;
    if (socket === null) {
      res.on('drain', () => events.drained());
    } else {
      // The socket outlives the response on a kept-alive connection: this listener leaves with the response.
      this.#onSocketDrain = () => events.drained();
      socket.on('drain', this.#onSocketDrain);
    }
    // 'close' fires when the client disconnects (and after end): either way the session is over.
    res.on('close', () => {
      this.#leaveSocket();
      events.gone();
    });
    // A handler that awaited something before making the session (a token check, a history read) can come
    // here after the client left: 'close' has fired already and will not again, so end the session now
    // (after the constructor returns, so it is never ended half made).
    const closed = (res as { closed?: boolean }).closed === true || res.destroyed || res.socket?.destroyed === true;
    if (closed) queueMicrotask(() => events.gone());
    // A write racing a disconnect reports EPIPE/ECONNRESET here; 'close' follows and ends the session.
    res.on('error', () => {});
  }

  write(chunk: Uint8Array): boolean {
    const socket = this.#socket;
    if (socket === null) return (this.#res as ServerResponse).write(chunk);
    if (chunk.byteLength === 0 || socket.destroyed) return true;
    return socket.write(chunkFrame(chunk));
  }

  end(): void {
    this.#leaveSocket();
    this.#res.end();
  }

  destroy(): void {
    this.#leaveSocket();
    const res = this.#res;
    // An HTTP/2 response is one stream of a shared connection: reset the stream, not the socket, with
    // CANCEL ([spec] RFC 9113 §7: "the stream is no longer needed"); NO_ERROR, Node's default, would
    // tell the client nothing went wrong with a response cut short.
    if ('stream' in res && res.stream) res.stream.close(http2.NGHTTP2_CANCEL);
    else (res as ServerResponse).destroy();
  }

  #leaveSocket(): void {
    if (this.#onSocketDrain === null) return;
    this.#socket!.off('drain', this.#onSocketDrain);
    this.#onSocketDrain = null;
  }
}

/**
 * The socket `res` may be written to directly after its head, or null. Only a chunked HTTP/1.1 body
 * qualifies (HEAD has none, HTTP/1.0 is not chunked), and only once `res` owns its socket: a response
 * to a pipelined request waits for the one before it, and its bytes with it.
 */
function directSocket(req: NodeRequest, res: NodeResponse): Socket | null {
  if ('stream' in res || req.method === 'HEAD') return null;
  if (!(res as ServerResponse).chunkedEncoding) return null;
  const socket = (res as ServerResponse).socket;
  return socket?.writable ? socket : null;
}

/**
 * Opens an event stream on `res`. Returns the Session, or null when the request was answered instead
 * (CORS preflight, 406 Not Acceptable, 400 for a bad Last-Event-ID). Throws a TypeError for bad options
 * or a response whose head was already sent.
 */
export function createSession<State = DefaultSessionState>(
  req: NodeRequest,
  res: NodeResponse,
  options?: NodeSessionOptions,
): Session<State> | null {
  const resolved = resolveSessionOptions(options);
  const onNotAcceptable = options?.onNotAcceptable;
  if (onNotAcceptable !== undefined && typeof onNotAcceptable !== 'function') {
    throw new TypeError('onNotAcceptable must be a function (req, res) => void');
  }
  if (res.headersSent || res.writableEnded) {
    throw new TypeError('createSession needs a response whose head has not been sent yet');
  }
  const request = {
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    header: (name: string) => headerOf(req, name),
  };
  const plan = handshake(request, resolved, req.httpVersion === '1.1', req.httpVersionMajor === 2);
  const out = res as ServerResponse;
  if (plan.kind === 'respond') {
    out.writeHead(plan.status, plan.headers);
    out.end(plan.body);
    return null;
  }
  if (plan.kind === 'not-acceptable') {
    if (onNotAcceptable !== undefined) {
      onNotAcceptable(req, res);
    } else {
      out.writeHead(NOT_ACCEPTABLE.status, { ...plan.headers, 'content-type': NOT_ACCEPTABLE.contentType });
      out.end(NOT_ACCEPTABLE.body);
    }
    return null;
  }
  out.writeHead(200, plan.headers);
  // Send the head now, so the client fires `open` before the first event. An empty write, not
  // flushHeaders(): node:http writes the head in the encoding of the first chunk, and flushHeaders()
  // sends it as UTF-8, which double-encodes header values given as UTF-8 bytes (`encodeUtf8Header`);
  // a byte chunk makes it write the head as Latin-1, one byte per character, as every other answer does.
  out.write(EMPTY_CHUNK);
  return new Session<State>(
    { lastEventId: plan.lastEventId, polling: plan.polling, options: resolved },
    new NodeTransport(res, directSocket(req, res)),
  );
}

// For a POST endpoint beside the stream: a body read with a byte limit (MAX_DISCARD_BYTES bounds what an
// oversized one costs).
export { MAX_DISCARD_BYTES } from './limits.js';
export { readBody } from './read-node-body.js';
export type { Session };
