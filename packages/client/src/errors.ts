/** Why a connection failed or was dropped, as a stable string that code can switch on. */
export type EventSourceErrorCode =
  /** The request failed before a response (refused, reset, DNS, too many redirects, bad Location). */
  | 'NETWORK_ERROR'
  /** The response body ended or broke off; the client reconnects. */
  | 'STREAM_ENDED'
  /** No byte (comments included) arrived within `idleTimeout`; the client reconnects. */
  | 'IDLE_TIMEOUT'
  /** The response status was not 200 (and not 204); the connection failed for good. */
  | 'HTTP_STATUS'
  /** The response was 204 No Content: the server asks the client to stop; the connection failed for good. */
  | 'NO_CONTENT'
  /** The response's Content-Type is not text/event-stream; the connection failed for good. */
  | 'CONTENT_TYPE'
  /** A line of the stream passed `maxLineLength`; that event was dropped, the connection stays open. */
  | 'LINE_TOO_LONG'
  /** An event's data passed `maxEventLength`; that event was dropped, the connection stays open. */
  | 'EVENT_TOO_LONG';

/**
 * The one error class of @tidings/client, thrown by `iterate()` when a stream fails for good: a string
 * `code` (the same word and values as the `error` event's `code`), the HTTP `status`, and the standard
 * `cause` (ES2022) when another error led to it (a fetch TypeError, for one).
 */
export class EventSourceError extends Error {
  readonly code: EventSourceErrorCode;
  /** The HTTP status of the response that failed, or null when there was no response. */
  readonly status: number | null;

  constructor(code: EventSourceErrorCode, message: string, status: number | null = null, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EventSourceError';
    this.code = code;
    this.status = status;
  }
}
