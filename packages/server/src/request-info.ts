import { MAX_EVENT_ID_LENGTH } from './limits.js';

/** Query parameter carrying the last event id, for polyfills and first connections that cannot set headers. */
export const LAST_EVENT_ID_QUERY_PARAM = 'lastEventId';
/** Query parameter that marks a polling request (`?tidings-poll=1`); any value but `0` or `false` counts. */
export const POLL_QUERY_PARAM = 'tidings-poll';
/** Request header that marks a polling request (`Tidings-Poll: 1`); any value but `0` or `false` counts. */
export const POLL_HEADER = 'Tidings-Poll';

/** The parts of a request the handshake reads, whatever the runtime. */
export interface RequestLike {
  method: string;
  /** Path and query (`/events?x=1`), or an absolute URL. */
  url: string;
  /** A header's value, or null when absent. */
  header(name: string): string | null;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A header value as the text its sender meant. Browsers (and @tidings/client) send `Last-Event-ID` as
 * UTF-8 ([spec] the request's header list holds the last event id "UTF-8 encoded"), but Node and Fetch
 * hand header bytes over one character per byte (Latin-1), so `ü` would arrive as `Ã¼` and never match.
 * A value that is not valid UTF-8 is kept as it came.
 */
export function decodeUtf8Header(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII is the common case and needs no work.
  if (/^[\x00-\x7f]*$/.test(value) || /[^\x00-\xff]/.test(value)) return value;
  const bytes = new Uint8Array(value.length);
  for (let i = 0; i < value.length; i++) bytes[i] = value.charCodeAt(i);
  try {
    return utf8.decode(bytes);
  } catch {
    return value;
  }
}

/**
 * A text value as a header value: its UTF-8 bytes, one character per byte, which is how Node and Fetch
 * put them on the wire unchanged (the inverse of `decodeUtf8Header`). Setting `ü` as is would throw.
 */
export function encodeUtf8Header(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII is the common case and needs no work.
  if (/^[\x00-\x7f]*$/.test(value)) return value;
  let out = '';
  for (const byte of new TextEncoder().encode(value)) out += String.fromCharCode(byte);
  return out;
}

/**
 * The client's last event id, read and checked in one place: the `Last-Event-ID` header (decoded as
 * UTF-8) when it is there, else the first of the query parameters `params` present (default
 * `lastEventId`, for polyfills and first connections that cannot set headers), else ''. Returns null when
 * it is longer than MAX_EVENT_ID_LENGTH (answer 400). A hub takes its protocol's parameter names
 * (Mercure: `['lastEventID', 'last_event_id']`) and passes the result on as `SessionOptions.lastEventId`.
 */
export function readLastEventId(
  header: string | null | undefined,
  query: URLSearchParams,
  params: readonly string[] = [LAST_EVENT_ID_QUERY_PARAM],
): string | null {
  // [spec] EventSource sends the last event id in a `Last-Event-ID` header when it reconnects; it wins.
  let id = header === null || header === undefined ? null : decodeUtf8Header(header);
  for (const name of params) id ??= query.get(name);
  id ??= '';
  return id.length > MAX_EVENT_ID_LENGTH ? null : id;
}

/** The query of a request's URL (path and query, or absolute); empty when it does not parse. */
export function searchParams(url: string): URLSearchParams {
  try {
    return new URL(url, 'http://localhost').searchParams;
  } catch {
    return new URLSearchParams();
  }
}

function isOn(value: string | null): boolean {
  return value !== null && value !== '0' && value.toLowerCase() !== 'false';
}

/** Whether the request asks for a polling response (query parameter or header). */
export function isPollRequest(request: RequestLike): boolean {
  return isOn(request.header(POLL_HEADER)) || isOn(searchParams(request.url).get(POLL_QUERY_PARAM));
}
