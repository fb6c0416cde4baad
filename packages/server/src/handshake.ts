import { acceptsEventStream } from './accept.js';
import { corsHeaders, corsPreflight } from './cors.js';
import { MAX_EVENT_ID_LENGTH } from './limits.js';
import { isPollRequest, type RequestLike, readLastEventId, searchParams } from './request-info.js';
import type { ResolvedSessionOptions } from './session-options.js';

/** What an adapter does with a request: answer it plainly, or open an event stream. */
export type Handshake =
  | { kind: 'respond'; status: number; headers: Record<string, string>; body: string }
  | { kind: 'not-acceptable'; headers: Record<string, string> }
  | { kind: 'stream'; headers: Record<string, string>; lastEventId: string; polling: boolean };

const TEXT = 'text/plain; charset=utf-8';

/** [spec] RFC 9113 §8.2.2: header fields that belong to one HTTP/1.x connection and must not appear in HTTP/2. */
const CONNECTION_SPECIFIC = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

/** `headers` without the connection-specific fields (any letter case). */
function withoutConnectionSpecific(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !CONNECTION_SPECIFIC.has(name.toLowerCase())));
}

/**
 * Decides how to answer a request for an event stream. `http11` adds `Connection: keep-alive`, which
 * HTTP/1.1 proxies need and HTTP/2 forbids (RFC 9113 §8.2.2). `http2` also drops connection-specific
 * fields from `options.headers`: an HTTP/2 message must not carry them, and node:http2 throws on them.
 */
export function handshake(
  request: RequestLike,
  options: ResolvedSessionOptions,
  http11: boolean,
  http2 = false,
): Handshake {
  const origin = request.header('origin');
  const cors = options.cors === null ? {} : corsHeaders(options.cors, origin);

  if (request.method === 'OPTIONS') {
    if (options.cors !== null && origin !== null && request.header('access-control-request-method') !== null) {
      const preflight = corsPreflight(options.cors, origin);
      const body = preflight.status === 403 ? 'origin not allowed\n' : '';
      return {
        kind: 'respond',
        status: preflight.status,
        headers: { ...preflight.headers, 'content-type': TEXT },
        body,
      };
    }
    return { kind: 'respond', status: 204, headers: { ...cors, allow: 'GET, POST, OPTIONS' }, body: '' };
  }

  if (!acceptsEventStream(request.header('accept'))) return { kind: 'not-acceptable', headers: cors };

  // Read here unless the application has read it already (with the same readLastEventId).
  const lastEventId =
    options.lastEventId ?? readLastEventId(request.header('last-event-id'), searchParams(request.url));
  if (lastEventId === null) {
    return {
      kind: 'respond',
      status: 400,
      headers: { ...cors, 'content-type': TEXT },
      body: `Last-Event-ID is longer than ${MAX_EVENT_ID_LENGTH} characters\n`,
    };
  }

  const headers: Record<string, string> = {
    ...(http2 ? withoutConnectionSpecific(options.headers) : options.headers),
    ...cors,
    'content-type': 'text/event-stream; charset=utf-8',
    // no-transform: compressing or buffering proxies would hold events back.
    'cache-control': 'no-cache, no-transform',
    // nginx buffers proxied responses unless told not to.
    'x-accel-buffering': 'no',
  };
  if (http11) headers.connection = 'keep-alive';
  return { kind: 'stream', headers, lastEventId, polling: options.polling !== null && isPollRequest(request) };
}

/** The default answer when Accept excludes text/event-stream. */
export const NOT_ACCEPTABLE = {
  status: 406,
  contentType: TEXT,
  body: 'This endpoint sends text/event-stream; the Accept header of the request excludes it\n',
};
