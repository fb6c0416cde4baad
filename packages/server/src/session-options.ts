import { type CorsOptions, type ResolvedCors, resolveCors } from './cors.js';
import {
  DEFAULT_KEEP_ALIVE_MS,
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_POLL_LINGER_MS,
  DEFAULT_POLL_TIMEOUT_MS,
  MAX_EVENT_ID_LENGTH,
  MAX_TIMER_MS,
  MIN_KEEP_ALIVE_MS,
} from './limits.js';

/** What a session does when its client does not read and its buffer is full. */
export type SlowClientPolicy = 'disconnect' | 'drop-oldest';

/** How polling responses behave (see "Polling fallback" in the README). */
export interface PollingOptions {
  /** Milliseconds a polling response stays open after its first event; default 250. */
  linger?: number;
  /** Milliseconds a polling response waits for a first event before ending empty; default 25000. */
  timeout?: number;
}

/** Options common to every adapter. `undefined` means the default; `null` disables a feature. */
export interface SessionOptions {
  /** Reconnection delay hint in milliseconds sent at open (`retry:`); default null (none sent). */
  retry?: number | null;
  /**
   * Milliseconds between keep-alive comments, at least 1000; default 15000 (15 s); null sends none. One
   * timer serves all sessions with the same interval.
   */
  keepAlive?: number | null;
  /** Bytes the session may hold for a client that does not read; default 1 MiB. */
  maxBufferedBytes?: number;
  /** What happens when that buffer is full: `'disconnect'` (default) or `'drop-oldest'` events. */
  slowClient?: SlowClientPolicy;
  /** Cross-origin access; default null (no CORS headers, preflights get 204 with no grants). */
  cors?: CorsOptions | null;
  /** Polling responses for requests marked with `?tidings-poll=1` or `Tidings-Poll: 1`; null streams them normally. */
  polling?: PollingOptions | null;
  /** Extra response headers for the event stream (e.g. `{ 'x-request-id': '…' }`). */
  headers?: Record<string, string>;
  /**
   * The client's last event id, when the application has read it already with `readLastEventId` (to
   * read history before it opens the stream, as the hub does): the session takes it, and the request's
   * `Last-Event-ID` is not read a second time. Default: read from the request.
   */
  lastEventId?: string;
}

/** SessionOptions checked and completed. */
export interface ResolvedSessionOptions {
  readonly retry: number | null;
  /** Milliseconds; null: no keep-alive comments. */
  readonly keepAliveMs: number | null;
  readonly maxBufferedBytes: number;
  readonly slowClient: SlowClientPolicy;
  readonly cors: ResolvedCors | null;
  readonly polling: { readonly linger: number; readonly timeout: number } | null;
  readonly headers: Record<string, string>;
  /** The last event id given by the application, or null to read it from the request. */
  readonly lastEventId: string | null;
}

function milliseconds(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_TIMER_MS) {
    throw new TypeError(`${name} must be a number of milliseconds from 0 to ${MAX_TIMER_MS}, got ${String(value)}`);
  }
  return value;
}

/** keepAlive is in milliseconds: a small number is refused, it is almost always seconds given by mistake. */
function checkKeepAlive(value: unknown): void {
  if (value === 0) {
    throw new TypeError('keepAlive must not be 0: pass null to send no keep-alive comments');
  }
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < MIN_KEEP_ALIVE_MS || value > MAX_TIMER_MS) {
    throw new TypeError(
      `keepAlive must be a whole number of milliseconds from ${MIN_KEEP_ALIVE_MS} to ${MAX_TIMER_MS} (15000 is 15 s), or null to send no keep-alive comments; got ${String(value)}`,
    );
  }
}

/** Validates SessionOptions, throwing a TypeError that says how to fix them. */
export function resolveSessionOptions(options: SessionOptions | undefined): ResolvedSessionOptions {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null) throw new TypeError('session options must be an object');
  const { retry = null, keepAlive = DEFAULT_KEEP_ALIVE_MS, maxBufferedBytes = DEFAULT_MAX_BUFFERED_BYTES } = options;
  if (retry !== null && (!Number.isSafeInteger(retry) || retry < 0)) {
    throw new TypeError('retry must be a whole number of milliseconds >= 0, or null to send none');
  }
  if (keepAlive !== null) checkKeepAlive(keepAlive);
  if (!Number.isSafeInteger(maxBufferedBytes) || maxBufferedBytes < 1) {
    throw new TypeError('maxBufferedBytes must be a whole number of bytes >= 1');
  }
  const slowClient = options.slowClient ?? 'disconnect';
  if (slowClient !== 'disconnect' && slowClient !== 'drop-oldest') {
    throw new TypeError("slowClient must be 'disconnect' or 'drop-oldest'");
  }
  let polling: ResolvedSessionOptions['polling'] = null;
  if (options.polling !== null) {
    const given = options.polling ?? {};
    if (typeof given !== 'object') throw new TypeError('polling must be an object such as { linger: 250 }, or null');
    polling = {
      linger: milliseconds('polling.linger', given.linger, DEFAULT_POLL_LINGER_MS),
      timeout: milliseconds('polling.timeout', given.timeout, DEFAULT_POLL_TIMEOUT_MS),
    };
  }
  const headers = options.headers ?? {};
  if (typeof headers !== 'object' || headers === null || !Object.values(headers).every((v) => typeof v === 'string')) {
    throw new TypeError("headers must be an object of string values such as { 'x-request-id': 'abc' }");
  }
  const lastEventId = options.lastEventId ?? null;
  if (lastEventId !== null && (typeof lastEventId !== 'string' || lastEventId.length > MAX_EVENT_ID_LENGTH)) {
    throw new TypeError(
      `lastEventId must be a string of at most ${MAX_EVENT_ID_LENGTH} characters, as readLastEventId returns it`,
    );
  }
  return {
    retry,
    keepAliveMs: keepAlive,
    maxBufferedBytes,
    slowClient,
    cors: options.cors === undefined || options.cors === null ? null : resolveCors(options.cors),
    polling,
    headers,
    lastEventId,
  };
}
