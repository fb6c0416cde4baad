/**
 * The limits and defaults of the `tidings` command (its flags, the server it listens with, its workers):
 * the library (`createHub`) uses none of them. The hub's own limits are in limits.ts, the dashboard's in
 * dashboard/dashboard-limits.ts. The README's "Limits" tables list the same values.
 */

// ---- `tidings hub`: where it listens, its processes ----

/** Port the CLI listens on (`--port`). */
export const DEFAULT_PORT = 3000;
/** Interface the CLI binds (`--host`): loopback, so a fresh hub is not exposed by accident. */
export const DEFAULT_HOST = '127.0.0.1';

/** Most hub processes `--workers` starts: more than the cores only adds context switches. */
export const MAX_WORKERS = 64;

/** Milliseconds open requests get to finish after SIGTERM before their connections are cut. */
export const SHUTDOWN_GRACE_MS = 5_000;

// ---- The server `tidings hub` listens with (hub-server.ts): timeouts, HTTP/2, the development certificate ----

/**
 * Seconds a client has to send a whole request, head and body (`--request-timeout`); then 408 and the
 * connection is closed. Node's default is 5 minutes, so a publisher that never finished its body (even
 * after a 401) held a connection that long. An event stream is not affected: its request is complete
 * once its head is in.
 */
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 30;
/** Seconds a client has to send a request's head (capped by --request-timeout): slow-loris heads. */
export const HEADERS_TIMEOUT_SECONDS = 10;
/** Milliseconds between Node's checks of those timeouts (its default, 30 s, would let them run late). */
export const TIMEOUT_CHECK_INTERVAL_MS = 500;

/**
 * Streams one HTTP/2 connection may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS): a page needs a
 * handful; Node's default is unlimited (2^32 - 1), which lets one connection open streams without end.
 */
export const HTTP2_MAX_CONCURRENT_STREAMS = 250;

/**
 * Milliseconds an HTTP/2 connection without open streams is kept: then GOAWAY closes it, as node:http's
 * keep-alive timeout closes an idle HTTP/1.1 connection. A connection carrying a stream is never idle.
 */
export const HTTP2_IDLE_TIMEOUT_MS = 60_000;

/** Days the development certificate (`--dev-cert`) is valid: short, since it is made anew at every start anyway. */
export const DEV_CERT_VALIDITY_DAYS = 30;

/** Minutes the validity starts before now, so a client whose clock is a little behind accepts it. */
export const DEV_CERT_BACKDATE_MINUTES = 60;

// ---- Flag ranges that are limits of their own ----

/** Largest `--jwt-leeway`, in seconds: a leeway of minutes would keep expired tokens working. */
export const MAX_JWT_LEEWAY_SECONDS = 300;
/** Largest `--subscriptions-heartbeat`, in seconds (a day): a longer one would leave a dead node's subscriptions listed for days. */
export const MAX_SUBSCRIPTIONS_HEARTBEAT_SECONDS = 86_400;
/** Largest value of a per-client limit flag (`--max-streams-per-client`, `--stream-rate`, `--publish-rate`). */
export const MAX_CLIENT_LIMIT_FLAG = 10 ** 9;

// ---- `tidings publish` and `tidings token` ----

/** Seconds `tidings publish` waits for the hub's answer (`--timeout`): a hub that accepts the connection but never answers must not hang a script. */
export const DEFAULT_PUBLISH_TIMEOUT_SECONDS = 30;
/** Lifetime of tokens printed by `tidings token` unless `--ttl` says otherwise (0 = no `exp`). */
export const DEFAULT_TOKEN_TTL_SECONDS = 3_600;
