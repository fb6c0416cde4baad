import { MAX_LAST_EVENT_ID_LENGTH } from './limits.js';

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

function searchParams(url: string): URLSearchParams {
  try {
    return new URL(url, 'http://localhost').searchParams;
  } catch {
    return new URLSearchParams();
  }
}

/**
 * The client's last event id: the `Last-Event-ID` header, else the `lastEventId` query parameter, else ''.
 * Returns null when it is longer than MAX_LAST_EVENT_ID_LENGTH.
 */
export function readLastEventId(request: RequestLike): string | null {
  // [spec] EventSource sends the last event id in a `Last-Event-ID` header when it reconnects.
  const id = request.header('last-event-id') ?? searchParams(request.url).get(LAST_EVENT_ID_QUERY_PARAM) ?? '';
  return id.length > MAX_LAST_EVENT_ID_LENGTH ? null : id;
}

function isOn(value: string | null): boolean {
  return value !== null && value !== '0' && value.toLowerCase() !== 'false';
}

/** Whether the request asks for a polling response (query parameter or header). */
export function isPollRequest(request: RequestLike): boolean {
  return isOn(request.header(POLL_HEADER)) || isOn(searchParams(request.url).get(POLL_QUERY_PARAM));
}
