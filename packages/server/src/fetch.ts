/**
 * @tidings/server/fetch — event streams as web-standard Responses: Hono, Bun, Deno, workers, and any
 * runtime whose handler takes a Request and returns a Response.
 */
import { handshake, NOT_ACCEPTABLE } from './handshake.js';
import { type DefaultSessionState, Session, type Transport, type TransportEvents } from './session.js';
import { resolveSessionOptions, type SessionOptions } from './session-options.js';

/** SessionOptions plus what only the Fetch adapter can do. */
export interface FetchSessionOptions extends SessionOptions {
  /** The Response for a request whose Accept header excludes text/event-stream. Default: 406. */
  onNotAcceptable?: (request: Request) => Response;
}

/** What `createFetchSession` returns: always a Response to return; a Session when a stream was opened. */
export interface FetchSessionResult<State = DefaultSessionState> {
  session: Session<State> | null;
  response: Response;
}

/**
 * Bytes the web stream itself may hold before it reports back-pressure to the session (the
 * equivalent of a Node socket's highWaterMark); beyond it, the session's own bounded buffer applies.
 */
const STREAM_HIGH_WATER_BYTES = 16 * 1024;

/** Adapts a ReadableStream controller to the session's Transport. */
class StreamTransport implements Transport {
  #controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  #events: TransportEvents | null = null;
  #done = false;
  readonly stream: ReadableStream<Uint8Array>;

  constructor(signal: AbortSignal) {
    this.stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.#controller = controller;
        },
        // The runtime pulls when the stream has room again: the session may write.
        pull: () => {
          this.#events?.drained();
        },
        cancel: () => this.#gone(),
      },
      { highWaterMark: STREAM_HIGH_WATER_BYTES, size: (chunk) => chunk.byteLength },
    );
    if (signal.aborted) queueMicrotask(() => this.#gone());
    else signal.addEventListener('abort', () => this.#gone(), { once: true });
  }

  #gone(): void {
    if (this.#done) return;
    this.#done = true;
    this.#events?.gone();
  }

  attach(events: TransportEvents): void {
    this.#events = events;
  }

  write(chunk: Uint8Array): boolean {
    const controller = this.#controller;
    if (this.#done || controller === null) return true;
    controller.enqueue(chunk);
    return (controller.desiredSize ?? 0) > 0;
  }

  end(): void {
    if (this.#done) return;
    this.#done = true;
    this.#controller?.close();
  }

  destroy(): void {
    if (this.#done) return;
    this.#done = true;
    this.#controller?.error(new Error('slow client disconnected'));
  }
}

/**
 * Opens an event stream for `request`. Returns the Response to hand to the runtime and, when a stream
 * was opened, its Session (null for a CORS preflight, 406, or 400 for a bad Last-Event-ID). Throws a
 * TypeError for bad options.
 */
export function createFetchSession<State = DefaultSessionState>(
  request: Request,
  options?: FetchSessionOptions,
): FetchSessionResult<State> {
  const resolved = resolveSessionOptions(options);
  const onNotAcceptable = options?.onNotAcceptable;
  if (onNotAcceptable !== undefined && typeof onNotAcceptable !== 'function') {
    throw new TypeError('onNotAcceptable must be a function (request) => Response');
  }
  const plan = handshake(
    { method: request.method, url: request.url, header: (name) => request.headers.get(name) },
    resolved,
    // The runtime owns the connection and knows its protocol; Connection is left to it.
    false,
  );
  if (plan.kind === 'respond') {
    const body = plan.status === 204 ? null : plan.body;
    return { session: null, response: new Response(body, { status: plan.status, headers: plan.headers }) };
  }
  if (plan.kind === 'not-acceptable') {
    const response =
      onNotAcceptable?.(request) ??
      new Response(NOT_ACCEPTABLE.body, {
        status: NOT_ACCEPTABLE.status,
        headers: { ...plan.headers, 'content-type': NOT_ACCEPTABLE.contentType },
      });
    return { session: null, response };
  }
  const transport = new StreamTransport(request.signal);
  const session = new Session<State>(
    { lastEventId: plan.lastEventId, polling: plan.polling, options: resolved },
    transport,
  );
  return { session, response: new Response(transport.stream, { status: 200, headers: plan.headers }) };
}

// For a POST endpoint beside the stream: a body read with a byte limit.
export { readFetchBody } from './read-fetch-body.js';
export type { Session };
