/** What went wrong, as a stable string that code can switch on. */
export type ProtocolErrorCode =
  /** A line grew past `maxLineLength` before its line end arrived; the event it belonged to was dropped. */
  | 'LINE_TOO_LONG'
  /** An event's data grew past `maxEventLength` before its blank line; the event was dropped. */
  | 'EVENT_TOO_LONG'
  /** `event` or `id` given to the serializer contains CR, LF or NUL (field injection, CWE-93). */
  | 'FIELD_INJECTION'
  /** `retry` given to the serializer is not a non-negative safe integer. */
  | 'INVALID_RETRY';

/**
 * The one error class of @tidings/protocol, of the shape every package's errors share: a string `code`
 * to switch on, and the standard `cause` (ES2022) when another error led to it. Messages never include
 * the offending text itself.
 */
export class ProtocolError extends Error {
  readonly code: ProtocolErrorCode;

  constructor(code: ProtocolErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ProtocolError';
    this.code = code;
  }
}
