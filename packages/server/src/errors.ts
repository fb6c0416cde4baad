/** What went wrong, as a stable string that code can switch on. */
export type ServerErrorCode =
  /** The session was closed by the application (`session.close()`). */
  | 'SESSION_CLOSED'
  /** The client went away (connection closed, request aborted, stream cancelled). */
  | 'CLIENT_GONE'
  /** The client did not read fast enough and its outgoing buffer overflowed (policy `disconnect`). */
  | 'SLOW_CLIENT'
  /** A polling response ended after its linger or timeout; the client polls again. */
  | 'POLL_COMPLETE';

/**
 * The one error class of @tidings/server. A closed session's `signal.reason` is a ServerError whose
 * `code` says why it closed. Messages never include request data.
 */
export class ServerError extends Error {
  readonly code: ServerErrorCode;

  constructor(code: ServerErrorCode, message: string) {
    super(message);
    this.name = 'ServerError';
    this.code = code;
  }
}

/** Why an event log refused an operation. */
export type EventLogErrorCode =
  /** The store behind the log cannot be reached or failed (the hub answers 503). Nothing was stored. */
  | 'LOG_UNAVAILABLE'
  /** The log was closed. */
  | 'LOG_CLOSED'
  /** The event cannot be stored as given (a field of the wrong type, an id too long). */
  | 'INVALID_EVENT'
  /** An event with this id is already kept (the Channel's broadcast rejects with it; logs resolve null). */
  | 'DUPLICATE_ID';

/** An event log failed. `cause` holds the underlying error (never shown to clients). */
export class EventLogError extends Error {
  readonly code: EventLogErrorCode;

  constructor(code: EventLogErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventLogError';
    this.code = code;
  }
}
