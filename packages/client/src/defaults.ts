/**
 * Every default and limit of @tidings/client, in one place (documented in the package README).
 * Times are in milliseconds.
 */

/**
 * The reconnection time a new EventSource starts with, until the server sends `retry:`. The standard
 * leaves it to the implementation ("probably in the region of a few seconds"); Chromium uses 3 s,
 * Firefox 5 s. We take Chromium's value: most pages are seen through it.
 */
export const DEFAULT_RECONNECTION_TIME = 3_000;

/** Backoff (opt-in `reconnect` policy): the first delay, before growth. Same as the standard's default. */
export const DEFAULT_INITIAL_DELAY = DEFAULT_RECONNECTION_TIME;

/** Backoff: each failed attempt in a row multiplies the delay by this factor. */
export const DEFAULT_BACKOFF_FACTOR = 2;

/**
 * Backoff: the delay never grows past 30 s, so a client notices a recovered server within half a
 * minute while a fleet of clients still stays away from a struggling one.
 */
export const DEFAULT_MAX_DELAY = 30_000;

/**
 * Backoff: the share of each delay that is randomized, 0 to 1. With 0.5 a delay d becomes a random
 * value in [d/2, d], which spreads out the reconnections of many clients dropped at the same moment
 * (a server restart) so they do not all come back in the same millisecond.
 */
export const DEFAULT_JITTER = 0.5;

/** Backoff: attempts in a row before giving up. Unbounded, as the standard's EventSource never gives up. */
export const DEFAULT_MAX_ATTEMPTS = Number.POSITIVE_INFINITY;

/**
 * Redirects followed for one connection. The Fetch standard's limit: a loop of redirects becomes a
 * network error instead of running forever.
 */
export const MAX_REDIRECTS = 20;

/**
 * `iterate()`: events held for a consumer slower than the stream. At it, the stream is not read until the
 * consumer catches up (TCP back-pressure reaches the server), instead of buffering a fast stream into
 * memory without bound.
 */
export const DEFAULT_MAX_QUEUED_EVENTS = 10_000;

/**
 * `iterate()`: bytes of event data held for a slow consumer (4 MiB). A count alone does not bound
 * memory: 10,000 events of 1 MiB each would be 10 GiB.
 */
export const DEFAULT_MAX_QUEUED_BYTES = 4 * 1024 * 1024;

/**
 * Headers that carry credentials. When a redirect leads to another origin they are removed from the
 * request (as the Fetch standard does for `Authorization`), so a token given for one host never
 * reaches another (the CVE-2022-1650 class of bug).
 */
export const CREDENTIAL_HEADERS: readonly string[] = ['authorization', 'cookie', 'proxy-authorization'];

/**
 * The longest delay the client's timers take: 2^31 - 1 ms (about 24.8 days). Node and browsers run a
 * longer timer at once (Node after 1 ms), so a server's huge `retry:` would be a reconnect storm.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;
