/**
 * The few things the hub reads from a request and writes in a response, independent of node:http and
 * of the Fetch API; http-node.ts and http-fetch.ts translate.
 */
import type { Session } from '@tidings/server';

export interface HubRequest {
  readonly method: string;
  /** The request URL (its origin is derived from the Host header, or http://localhost). */
  readonly url: URL;
  /** The address of the peer that sent the request (the TCP socket's), or null when it is not known. */
  readonly peerAddress: string | null;
  /** A request header by lower-case name; repeated headers joined with ", ". */
  header(name: string): string | undefined;
  /** The body, or null when it is longer than `maxBytes` (reading stops there). */
  readBody(maxBytes: number): Promise<Uint8Array | null>;
}

/** A complete (non-streaming) answer. */
export interface HubResponse {
  readonly kind: 'response';
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * An event stream to open with @tidings/server. `start` receives the session, or null when the session
 * layer answered the request itself (406 when Accept excludes text/event-stream).
 */
export interface HubStream {
  readonly kind: 'stream';
  readonly headers: Record<string, string>;
  /** The client's last event id as the route read it (the session takes it; nothing reads it twice). */
  readonly lastEventId: string;
  start(session: Session | null): void;
}

export type HubAnswer = HubResponse | HubStream;

export const TEXT = 'text/plain; charset=utf-8';

export function textResponse(status: number, body: string, headers: Record<string, string> = {}): HubResponse {
  return {
    kind: 'response',
    status,
    headers: { 'content-type': TEXT, ...headers },
    body: body.endsWith('\n') ? body : `${body}\n`,
  };
}

/** The `WWW-Authenticate` header of a 401 or 403, with the RFC 6750 error code when there is one. */
export function bearerChallenge(error?: string): Record<string, string> {
  return { 'www-authenticate': error ? `Bearer error="${error}"` : 'Bearer' };
}
