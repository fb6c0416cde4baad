/** Why a session closed: the `code` of a ServerError that is not an EventLogError. */
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
 * The base error class of @tidings/server, of the shape every package's errors share: a string `code` to
 * switch on, and the standard `cause` (ES2022) when another error led to it. A closed session's
 * `signal.reason` is a ServerError whose `code` (a ServerErrorCode) says why it closed; EventLogError
 * extends it. Messages never include request data.
 */
export class ServerError extends Error {
  /** A ServerErrorCode; on an EventLogError, an EventLogErrorCode. */
  readonly code: ServerErrorCode | EventLogErrorCode;

  constructor(code: ServerErrorCode | EventLogErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
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
export class EventLogError extends ServerError {
  declare readonly code: EventLogErrorCode;

  constructor(code: EventLogErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.name = 'EventLogError';
  }
}
