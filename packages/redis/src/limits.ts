/**
 * Every limit, timeout and default of @tidings/redis, in one place, each beside what it prevents. The
 * README lists the ones a user can change (as `RedisLogOptions`) with their units.
 */

/** Start of every key of a log when `prefix` is not given. */
export const DEFAULT_PREFIX = 'tidings:';

/** Longest `prefix`, in characters. Every key carries it, on every command; an unbounded one costs on each. */
export const MAX_PREFIX_LENGTH = 256;

/**
 * Milliseconds to open a connection (TCP, TLS, AUTH, SELECT) before the attempt counts as failed. A
 * reachable Redis answers in a few milliseconds; without a bound an unreachable host (packets dropped,
 * not refused) holds the first appends until the operating system gives up, which takes minutes.
 */
export const DEFAULT_CONNECT_TIMEOUT_MS = 1000;

/**
 * Milliseconds a command may take before it counts as failed (and the connection is replaced). It is
 * also the deadline written into each append: Redis refuses to run an append script that reaches it
 * later than this after it was sent, so a publisher told "unavailable" is never overtaken by its own
 * event arriving late (see `append` in redis-log.ts).
 */
export const DEFAULT_COMMAND_TIMEOUT_MS = 1000;

/**
 * Milliseconds a read (a replay page, an id lookup, the oldest or newest entry) may take: longer than
 * an append's, because a reconnect storm queues thousands of reads on the one connection and their
 * answers come late but come; nothing waits on a read the way a publisher waits on its 200. A Redis
 * that does not answer at all is still found out within the command timeout by the appends and probes.
 */
export const READ_TIMEOUT_MS = 10_000;

/** Milliseconds before the first reconnection attempt after a connection is lost; each retry doubles it. */
export const RECONNECT_MIN_DELAY_MS = 50;

/**
 * Longest wait between reconnection attempts, in milliseconds: a node notices a Redis that came back
 * within about this long, while a Redis that stays down gets at most one attempt per node this often.
 */
export const RECONNECT_MAX_DELAY_MS = 1000;

/**
 * Milliseconds one blocking XREAD of the feed waits for new entries before it returns empty and is sent
 * again. It bounds how long a dead feed connection goes unnoticed (the read is given this plus the
 * command timeout to answer) at the cost of one idle round trip per interval.
 */
export const FEED_BLOCK_MS = 2000;

/**
 * Entries one XREAD of the feed returns at most. Redis 7 has no byte cap on XREAD, so the count bounds
 * the memory of one reply while a node catches up (100 entries of the 1 MiB body the hub accepts by default: 100 MiB).
 */
export const FEED_BATCH_SIZE = 100;

/** Milliseconds between the feed's retries after a failed read, doubling up to `FEED_RETRY_MAX_MS`. */
export const FEED_RETRY_MIN_MS = 50;

/** Longest pause between the feed's retries, in milliseconds (it also wakes as soon as its connection is ready). */
export const FEED_RETRY_MAX_MS = 1000;

/**
 * Milliseconds between health probes. A probe reads Redis's clock (for append deadlines) and the newest
 * position (for `feedLag`), and finds a connection that stopped answering while nothing else was sent.
 */
export const PROBE_INTERVAL_MS = 1000;

/** Milliseconds between age trims when `limits.maxAge` is set, so entries expire also while nobody appends. */
export const AGE_TRIM_INTERVAL_MS = 1000;

/**
 * Entries one script run trims at most. Redis runs a Lua script to its end before anything else, so
 * one append that follows a lowered limit (10,000 entries to drop) must not stall every other client;
 * the rest goes with the next appends, or in further runs of `trim()`.
 */
export const TRIM_BUDGET = 1000;

/** Entries a trimming script reads per XRANGE: bounds the script's memory when entries are large. */
export const TRIM_BATCH = 100;

/**
 * Entries that left the history (trimmed by the limits) but stay in the stream, invisible to reads, so
 * that a feed that lags behind, or whose connection was down, still delivers them. Without it a log with
 * `maxCount: 0` (pure fan-out) would drop an entry before another node's feed could read it.
 */
export const FEED_SLACK_COUNT = 1000;

/** Bytes of trimmed entries the stream keeps for lagging feeds at most (with `FEED_SLACK_COUNT`): 8 MiB. */
export const FEED_SLACK_BYTES = 8 * 1024 * 1024;

/**
 * Entries the script that settles an unconfirmed append scans for its id at most (the id index no longer
 * has an entry that was already trimmed). It bounds that script's run time; past it the outcome stays
 * unknown.
 */
export const SETTLE_SCAN_MAX = 1000;

/**
 * The newest entries each node keeps in memory in front of Redis by default (`recentEntries.maxCount`;
 * never more than the log's own `limits`), the same as @tidings/sqlite's window: a reconnect storm
 * replays them to many clients at once, and read from memory they cost no round trip, no RESP decoding
 * and one encoding per entry for every replay (bench/replay-storm.mjs). Kept exact from the feed (feed-window.ts).
 */
export const RECENT_ENTRIES_MAX_COUNT = 10_000;

/** Bytes of that window by default (`recentEntries.maxBytes`, entry sizes as `LogEntry.size`): memory stays bounded whatever the entries' size. */
export const RECENT_ENTRIES_MAX_BYTES = 16 * 1024 * 1024;
