/** Every code of the hub's errors; each subclass of HubError narrows it to its own. */
export type HubErrorCode =
  | TokenErrorCode
  | SelectorErrorCode
  | PublishErrorCode
  /** A `tidings` command line the CLI refuses (it prints the message and exits with code 2). */
  | 'USAGE';

/**
 * The base error class of @tidings/hub, of the shape every package's errors share: a string `code` to
 * switch on, and the standard `cause` (ES2022) when another error led to it. Every error class of the
 * hub extends it. Messages never include tokens, claims or internal error text.
 */
export class HubError extends Error {
  readonly code: HubErrorCode;

  constructor(code: HubErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'HubError';
    this.code = code;
  }
}

/** Why a token was refused. The text never includes the token or its claims. */
export type TokenErrorCode =
  /** Not three base64url parts, bad JSON, or too long. */
  | 'MALFORMED'
  /** `alg` is `none` or not an algorithm of any configured key. */
  | 'ALG_NOT_ALLOWED'
  /** No configured key fits the token: its `kid`, `alg` or `iss` names none of them. */
  | 'UNKNOWN_KEY'
  /** The signature does not verify with the configured keys. */
  | 'BAD_SIGNATURE'
  /** `exp` is in the past. */
  | 'EXPIRED'
  /** `nbf` is in the future. */
  | 'NOT_YET_VALID'
  /** `aud` does not name this hub (`tokenAudience`, `--jwt-audience`). */
  | 'WRONG_AUDIENCE'
  /** `iss` is not the issuer the keys belong to. */
  | 'WRONG_ISSUER'
  /** A Mercure claim (`mercure.publish`, `authorization_details`, ...) has the wrong shape. */
  | 'INVALID_CLAIMS'
  /** The JWK Set could not be fetched: the hub's problem, not the token's (the hub answers 503). */
  | 'KEYS_UNAVAILABLE';

/** A JWT failed verification or carries unusable claims (the hub answers 401; 503 for `KEYS_UNAVAILABLE`). */
export class TokenError extends HubError {
  declare readonly code: TokenErrorCode;

  constructor(code: TokenErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.name = 'TokenError';
  }
}

/** Why a topic selector was refused. */
export type SelectorErrorCode =
  /** Empty, too long, or containing control characters. */
  | 'INVALID_SELECTOR'
  /** A URL pattern or URI template that cannot be compiled, or with too many groups. */
  | 'INVALID_PATTERN'
  /** A `match_*` parameter or `match_type` naming a matcher type the hub does not know. */
  | 'UNKNOWN_MATCHER';

/** A topic selector cannot be used (the hub answers 400, or 401 when it came from a token). */
export class SelectorError extends HubError {
  declare readonly code: SelectorErrorCode;

  constructor(code: SelectorErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.name = 'SelectorError';
  }
}

/** Why `hub.publish()` refused an update. */
export type PublishErrorCode =
  /** A field is missing or invalid (the HTTP API answers 400, or 413 for a limit). */
  | 'INVALID_UPDATE'
  /** The publisher-supplied id is already in the history (HTTP 409). */
  | 'DUPLICATE_ID'
  /** The hub is closing or closed (HTTP 503). */
  | 'HUB_CLOSED'
  /** The event log could not store the update (HTTP 503); nothing was stored. */
  | 'LOG_UNAVAILABLE';

/** `hub.publish()` refused an update. `status` is what the HTTP API answers in the same case. */
export class PublishError extends HubError {
  declare readonly code: PublishErrorCode;
  readonly status: number;

  constructor(code: PublishErrorCode, status: number, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.name = 'PublishError';
    this.status = status;
  }
}
