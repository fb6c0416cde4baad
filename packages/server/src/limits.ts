/**
 * Every limit and default of @tidings/server, in one place. Each is documented in the package README
 * with its unit.
 */

/** Seconds between keep-alive comments. Proxies commonly drop connections idle for 30–60 s. */
export const DEFAULT_KEEP_ALIVE_SECONDS = 15;

/**
 * Bytes a session may hold that its client has not yet taken (beyond the transport's own small
 * buffer). One client that stops reading must not grow the server's memory without bound.
 */
export const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024;

/**
 * Longest `Last-Event-ID` (header or `lastEventId` query parameter) accepted, in characters. Ids are
 * looked up in history; an unbounded id would let a client make every lookup expensive.
 */
export const MAX_LAST_EVENT_ID_LENGTH = 1024;

/** Milliseconds a polling response stays open after its first event, so a burst goes out in one response. */
export const DEFAULT_POLL_LINGER_MS = 250;

/**
 * Milliseconds a polling response waits for a first event before it ends empty (a long poll). Below
 * the 30 s idle timeout of common proxies.
 */
export const DEFAULT_POLL_TIMEOUT_MS = 25_000;

/** Events a channel keeps for `Last-Event-ID` replay. */
export const DEFAULT_HISTORY_SIZE = 1000;

/** Milliseconds an event stays in a channel's history (5 minutes). */
export const DEFAULT_HISTORY_MAX_AGE_MS = 5 * 60 * 1000;

/**
 * Bytes of history a replaying session is given before the channel waits for it to drain, so a long
 * replay to a slow client never fills its buffer at once.
 */
export const REPLAY_BATCH_BYTES = 64 * 1024;

/** Seconds a browser may cache a CORS preflight answer. */
export const DEFAULT_CORS_MAX_AGE_SECONDS = 600;
