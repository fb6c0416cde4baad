/**
 * Every limit and default of @tidings/server, in one place. Each is documented in the package README
 * with its unit.
 */

/** Milliseconds between keep-alive comments (15 s). Proxies commonly drop connections idle for 30–60 s. */
export const DEFAULT_KEEP_ALIVE_MS = 15_000;

/**
 * Shortest keep-alive interval accepted, in milliseconds. Nobody needs a comment more often than once a
 * second, and a value below it is almost always seconds given where milliseconds are meant
 * (`keepAlive: 15` would otherwise wake every session 66 times a second).
 */
export const MIN_KEEP_ALIVE_MS = 1_000;

/** Longest timer delay Node, browsers, Deno and Bun take (2^31 - 1 ms, about 24.8 days): a longer one fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Bytes a session may hold that its client has not yet taken (beyond the transport's own small
 * buffer). One client that stops reading must not grow the server's memory without bound. It bounds a
 * backlog: an empty queue takes one event of any size, so one big event never cuts off a fast reader.
 */
export const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024;

/**
 * Longest event id, in characters (UTF-16 code units): the limit of `id` in every event log and of a
 * client's `Last-Event-ID` (header or `lastEventId` query parameter), so any id a client received can
 * come back. Ids are looked up in the log; an unbounded id would make every lookup expensive.
 */
export const MAX_EVENT_ID_LENGTH = 2048;

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

/**
 * Sessions flushed per turn of the event loop (see flush-scheduler.ts): enough that a turn's own cost is
 * nothing beside its writes (each a few µs), few enough that requests are read every few milliseconds
 * however many sessions there are.
 */
export const FLUSH_SLICE = 512;

/** Milliseconds a browser may cache a CORS preflight answer (10 minutes; the header carries whole seconds). */
export const DEFAULT_CORS_MAX_AGE_MS = 600_000;

/** Entries an event log keeps by default (`LogLimits.maxCount`). */
export const DEFAULT_LOG_MAX_COUNT = 10_000;

/**
 * Bytes an event log keeps by default (`LogLimits.maxBytes`): 64 MiB. A count alone does not bound
 * memory: 10,000 events of 1 MiB each would be about 10 GiB.
 */
export const DEFAULT_LOG_MAX_BYTES = 64 * 1024 * 1024;

/**
 * The newest entries a SQLite or Redis log keeps in memory in front of its store (at most the log's own
 * limits): a reconnect storm replays them to many clients at once, from memory and encoded once
 * (recent-entries.ts).
 */
export const RECENT_ENTRIES_MAX_COUNT = 10_000;
/** Bytes of that window, so memory stays bounded whatever the entries' size. */
export const RECENT_ENTRIES_MAX_BYTES = 16 * 1024 * 1024;

/** Entries read from the log per page while replaying; bounds one read's memory. */
export const REPLAY_PAGE_SIZE = 500;

/**
 * Bytes of an oversized HTTP/1.1 request body `readBody` (`@tidings/server/node`) reads and drops after
 * the limit, so that the client, which is still sending, reads the 413 instead of a reset connection;
 * past it the connection is cut, so a client cannot keep the server reading an endless body.
 */
export const MAX_DISCARD_BYTES = 1024 * 1024;
