import type { EventSourceErrorCode } from './errors.js';

export interface EventSourceErrorEventInit {
  code: EventSourceErrorCode;
  status?: number | null;
  message: string;
  cause?: unknown;
  retryDelay?: number | null;
}

/**
 * The `error` event. The standard fires a plain Event; this one is still an Event of type "error" (so
 * code written for browsers works unchanged) and also says why, so a 401 is told apart from a dropped
 * network connection.
 */
export class EventSourceErrorEvent extends Event {
  /** Why: a stable code, see EventSourceErrorCode (the same word and values as `EventSourceError.code`). */
  readonly code: EventSourceErrorCode;
  /** The HTTP status of the response, or null when there was none (network error). */
  readonly status: number | null;
  /** A sentence for people; never contains response bodies or header values. */
  readonly message: string;
  /** The underlying error (a fetch TypeError, for one), when there is one. */
  readonly cause: unknown;
  /** Milliseconds until the next connection attempt, or null when the client will not reconnect. */
  readonly retryDelay: number | null;

  constructor(init: EventSourceErrorEventInit) {
    super('error');
    this.code = init.code;
    this.status = init.status ?? null;
    this.message = init.message;
    this.cause = init.cause;
    this.retryDelay = init.retryDelay ?? null;
  }
}
