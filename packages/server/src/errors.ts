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
