import { type ReconnectOptions, type ReconnectPolicy, resolveReconnectPolicy } from './reconnect-policy.js';
import { systemTimers, type Timers } from './timers.js';

/** A fetch function: the platform's, or one you bring (a proxy agent, a test double, undici's). */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Request bodies that can be sent again on every reconnection (a stream could be read only once). */
export type ReplayableBody = string | URLSearchParams | Blob | ArrayBuffer | ArrayBufferView | FormData;

/**
 * Options of `new EventSource(url, options)`. `withCredentials` is the standard's EventSourceInit;
 * everything else is an opt-in extra, and leaving it out keeps the standard behaviour.
 */
export interface EventSourceOptions {
  /** Send cookies and HTTP auth on cross-origin requests (browsers: credentials 'include'). Default false. */
  withCredentials?: boolean;
  /** The fetch to use. Default: the global fetch. */
  fetch?: FetchLike;
  /**
   * Extra request headers, or a function returning them, called before every connection (for a token
   * that expires). `Authorization`, `Cookie` and `Proxy-Authorization` are dropped on a redirect to
   * another origin. Default none.
   */
  headers?: HeadersInit | (() => HeadersInit | Promise<HeadersInit>);
  /** The HTTP method. Default 'GET'. */
  method?: string;
  /** The request body, sent again on every reconnection. Not allowed with GET or HEAD. Default none. */
  body?: ReplayableBody | null;
  /** The last event ID to start with: sent as `Last-Event-ID` on the first connection too. Default ''. */
  lastEventId?: string;
  /**
   * Reconnection policy. undefined: the standard's (wait the reconnection time, retry forever).
   * An object: exponential backoff with jitter, see ReconnectOptions. null: never reconnect (a POST
   * stream that must not be sent twice).
   */
  reconnect?: ReconnectOptions | null;
  /** Reconnect when no byte arrives for this many ms (keep-alive comments count). Default null: off. */
  idleTimeout?: number | null;
  /** Aborting it closes the EventSource, as close() does. Default none. */
  signal?: AbortSignal;
  /** Longest line of the stream, in UTF-16 code units. Default 1 MiB (@tidings/protocol's). */
  maxLineLength?: number;
  /** Largest data of one event, in UTF-16 code units. Default: maxLineLength. */
  maxEventLength?: number;
  /** Timer functions, for tests with a fake clock. Default: the platform's setTimeout/clearTimeout. */
  timers?: Timers;
}

/** The options after validation, with every default filled in. */
export interface ResolvedOptions {
  withCredentials: boolean;
  fetch: FetchLike;
  headers: EventSourceOptions['headers'];
  method: string;
  body: ReplayableBody | undefined;
  lastEventId: string;
  /** undefined: the standard's fixed delay; null: no reconnection. */
  reconnect: ReconnectPolicy | null | undefined;
  idleTimeout: number | null;
  signal: AbortSignal | undefined;
  parser: { maxLineLength?: number; maxEventLength?: number };
  timers: Timers;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function isReplayableBody(body: unknown): body is ReplayableBody {
  return (
    typeof body === 'string' ||
    body instanceof URLSearchParams ||
    (typeof Blob === 'function' && body instanceof Blob) ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    (typeof FormData === 'function' && body instanceof FormData)
  );
}

function globalFetch(): FetchLike {
  if (typeof globalThis.fetch !== 'function') {
    throw new TypeError('no global fetch on this platform: pass options.fetch');
  }
  return (input, init) => globalThis.fetch(input, init);
}

/**
 * Validates the options object of the constructor (or iterate()) and fills in defaults. Throws a
 * TypeError that names the option and says what it takes.
 */
export function resolveOptions(options: EventSourceOptions | undefined | null): ResolvedOptions {
  const o: EventSourceOptions = options ?? {};
  if (typeof o !== 'object') throw new TypeError('options must be an object, such as { withCredentials: true }');
  if (o.fetch !== undefined && typeof o.fetch !== 'function') throw new TypeError('options.fetch must be a function');
  if (
    o.headers !== undefined &&
    typeof o.headers !== 'function' &&
    (typeof o.headers !== 'object' || o.headers === null)
  ) {
    throw new TypeError('options.headers must be a Headers, an object, an array of pairs, or a function');
  }
  const method = o.method === undefined ? 'GET' : o.method;
  if (typeof method !== 'string' || !TOKEN.test(method)) {
    throw new TypeError(`options.method must be an HTTP method name such as 'POST', got ${String(method)}`);
  }
  const upper = method.toUpperCase();
  const body = o.body ?? undefined;
  if (body !== undefined) {
    if (!isReplayableBody(body)) {
      throw new TypeError(
        'options.body must be a string, URLSearchParams, Blob, ArrayBuffer, typed array or FormData (it is sent again on each reconnection, so not a stream)',
      );
    }
    if (upper === 'GET' || upper === 'HEAD') {
      throw new TypeError(`options.body needs a method that takes a body (such as 'POST'), not ${method}`);
    }
  }
  const lastEventId = o.lastEventId ?? '';
  if (typeof lastEventId !== 'string' || /[\0\r\n]/.test(lastEventId)) {
    throw new TypeError('options.lastEventId must be a string without NUL, CR or LF');
  }
  const idleTimeout = o.idleTimeout ?? null;
  if (
    idleTimeout !== null &&
    (typeof idleTimeout !== 'number' || !(idleTimeout > 0) || !Number.isFinite(idleTimeout))
  ) {
    throw new TypeError(
      `options.idleTimeout must be a positive number of milliseconds or null, got ${String(idleTimeout)}`,
    );
  }
  if (o.signal !== undefined && !(typeof o.signal === 'object' && o.signal !== null && 'aborted' in o.signal)) {
    throw new TypeError('options.signal must be an AbortSignal');
  }
  const timers = o.timers ?? systemTimers;
  if (typeof timers.setTimeout !== 'function' || typeof timers.clearTimeout !== 'function') {
    throw new TypeError('options.timers must have setTimeout and clearTimeout functions');
  }
  const parser: ResolvedOptions['parser'] = {};
  if (o.maxLineLength !== undefined) parser.maxLineLength = o.maxLineLength;
  if (o.maxEventLength !== undefined) parser.maxEventLength = o.maxEventLength;
  return {
    // [spec] withCredentials is a boolean dictionary member: any value converts to a boolean
    withCredentials: Boolean(o.withCredentials),
    fetch: o.fetch ?? globalFetch(),
    headers: o.headers,
    method,
    body,
    lastEventId,
    reconnect:
      o.reconnect === undefined ? undefined : o.reconnect === null ? null : resolveReconnectPolicy(o.reconnect),
    idleTimeout,
    signal: o.signal,
    parser,
    timers,
  };
}
