/**
 * Every limit and default of the hub itself (`createHub` and what it runs), in one place, each next to the
 * attack or accident it prevents. The README's "Limits" tables list the same values; the CLI flags override
 * some of them. The `tidings` command's own constants (port, workers, server timeouts) are in
 * cli-limits.ts, the dashboard's in dashboard/dashboard-limits.ts.
 */

/** Signature algorithm of the configured JWT keys (`--jwt-alg`). */
export const DEFAULT_JWT_ALG = 'HS256';

/** The longest delay Node's timers take (2^31 - 1 ms, about 24.8 days): a longer one runs after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Milliseconds between keep-alive comments (`heartbeat`; `--heartbeat` takes seconds), so proxies do not
 * close idle streams; null (`--heartbeat 0`) disables them.
 */
export const DEFAULT_HEARTBEAT_MS = 30_000;
/**
 * Shortest `heartbeat`, in milliseconds: a smaller value is almost always seconds given where milliseconds
 * are meant (`heartbeat: 30` would write to every subscriber 33 times a second).
 */
export const MIN_HEARTBEAT_MS = 1_000;

/** Updates kept for `Last-Event-ID` replay (`--history-size`); older ones are trimmed first. */
export const DEFAULT_HISTORY_SIZE = 10_000;
/**
 * Milliseconds an update stays in history (`history.maxAge`; `--history-ttl` takes seconds); `null` keeps
 * updates until the size limit trims them.
 */
export const DEFAULT_HISTORY_MAX_AGE_MS: number | null = null;
/**
 * Bytes of updates kept for replay (`--history-bytes`): 64 MiB. A count alone does not bound memory:
 * 10,000 updates of up to 1 MiB each would be about 10 GiB (20 with their encoded copies).
 */
export const DEFAULT_HISTORY_BYTES = 64 * 1024 * 1024;
/** Milliseconds between two looks at the event log's health (one timer per hub), to report a change. */
export const LOG_HEALTH_CHECK_INTERVAL_MS = 1_000;
/** Milliseconds between age-based history trims (the count and byte limits are enforced on every append). */
export const HISTORY_TRIM_INTERVAL_MS = 10_000;

/**
 * Largest publish request body in bytes (`--max-body`): 1 MiB. Bigger bodies get 413 before they are
 * buffered, so a publisher cannot exhaust memory with one request.
 */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
// After a 413 the rest of the body is read and dropped up to MAX_DISCARD_BYTES of @tidings/server/node (1 MiB),
// the limit of the body reader both adapters use.
/** Topics in one update (canonical plus alternates). More get 413: each costs a match per subscriber. */
export const MAX_TOPICS_PER_UPDATE = 100;
/**
 * Longest topic or type in UTF-16 code units. Longer values get 413. Ids have one limit for publish and
 * `Last-Event-ID` alike: `MAX_EVENT_ID_LENGTH` of @tidings/server (also 2,048), so any id a client
 * received can come back.
 */
export const MAX_FIELD_LENGTH = 2_048;
/** Largest `retry` value accepted from a publisher, in milliseconds (one day). */
export const MAX_RETRY_MS = 86_400_000;

/** Topic selectors in one subscription request. More get 400: each is tried against every update. */
export const MAX_SELECTORS_PER_SUBSCRIPTION = 100;
/** Longest topic selector in UTF-16 code units. Longer ones get 400. */
export const MAX_SELECTOR_LENGTH = 2_048;
/**
 * Variables, wildcards and named groups in one URI template or URL pattern. Each compiles to a lazy
 * regular-expression group; capping them bounds backtracking on crafted selectors (ReDoS).
 */
export const MAX_SELECTOR_GROUPS = 16;

/**
 * Milliseconds one URL pattern may spend on one topic when its shape can backtrack (see url-pattern.ts);
 * a match that runs out of time counts as no match.
 */
export const URLPATTERN_TIME_LIMIT_MS = 10;
/**
 * Milliseconds per second that all URL patterns able to backtrack may spend matching, together, hub-wide
 * (10 % of a core). Past it they do not match until the next second: however many selectors and updates
 * an attacker sends, the event loop stays free.
 */
export const GUARDED_PATTERN_BUDGET_MS = 100;
/** The window of GUARDED_PATTERN_BUDGET_MS, in milliseconds. */
export const GUARDED_PATTERN_BUDGET_WINDOW_MS = 1_000;
/** Topic match results remembered per compiled pattern selector (cleared when full). */
export const MATCH_CACHE_SIZE = 1_024;
/**
 * Compiled selectors kept for reuse by every subscription and token that names the same one (cleared
 * when full): so distinct selectors, not subscribers, bound the compiled patterns and their caches.
 */
export const MAX_SHARED_SELECTORS = 10_000;

/**
 * Bytes a subscriber may have queued but not yet sent (`--subscriber-queue`): 4 MiB, at least four of
 * the largest updates. A subscriber over it is disconnected as slow, so it never holds back the others
 * or grows the hub's memory without bound.
 */
export const DEFAULT_SUBSCRIBER_QUEUE_BYTES = 4 * 1024 * 1024;
/** Concurrent subscribers (`--max-subscribers`); more get 429, so one client cannot use up every file. */
export const DEFAULT_MAX_SUBSCRIBERS = 100_000;

/**
 * Shortest HMAC key per algorithm, in bytes: the hash's output size (RFC 7518 3.2). A shorter secret is
 * found by brute force from one token; `allowWeakKey` / `--allow-weak-key` accept one on purpose.
 */
export const MIN_HMAC_KEY_BYTES = { HS256: 32, HS384: 48, HS512: 64 } as const;
/** Mercure's example key, printed in its docs: anyone can sign tokens with it. The hub warns when it is used. */
export const WELL_KNOWN_EXAMPLE_KEY = '!ChangeThisMercureHubJWTSecretKey!';

/** Largest JWT accepted, in characters: a token is parsed and base64-decoded before it is verified. */
export const MAX_TOKEN_LENGTH = 16 * 1024;
/** Selectors in one token claim (`mercure.publish`, `mercure.subscribe`, or all authorization_details topics). */
export const MAX_CLAIM_SELECTORS = 1_000;
/** Milliseconds of clock difference tolerated on `exp` and `nbf` unless `tokenClockTolerance` / `--jwt-leeway` say otherwise. */
export const DEFAULT_TOKEN_CLOCK_TOLERANCE_MS = 0;
/** [spec] RFC 7518 3.3: RSA keys shorter than 2048 bits are refused, configured or from a JWK Set. */
export const MIN_RSA_KEY_BITS = 2048;
/** A JWK Set fetch that takes longer fails: a slow key server must not hold requests (and their sockets). */
export const JWKS_FETCH_TIMEOUT_MS = 5_000;
/** A fetched JWK Set is used this long before it is fetched again (keys rotate; a removed key stops working). */
export const JWKS_CACHE_MAX_AGE_MS = 10 * 60_000;
/**
 * A token with a `kid` the cached JWK Set lacks makes the hub fetch the set again (a new key), but at most
 * once per this many milliseconds: tokens with made-up `kid`s cannot turn the hub into a fetch loop.
 */
export const JWKS_COOLDOWN_MS = 30_000;

/** Upper bounds (seconds) of the publish latency histogram on /metrics. */
export const PUBLISH_LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

// Browsers may cache a CORS preflight answer for DEFAULT_CORS_MAX_AGE_MS of @tidings/server (10 minutes).

// ---- Per-client limits (each `null` in the options, `0` on the command line, turns it off) ----

/**
 * Open streams one client address may hold (`--max-streams-per-client`); more get 429. Without it one
 * client takes every slot of `maxSubscribers` (and every file the process may open). A browser holds a
 * handful; 1,000 leaves room for an office behind one NAT address. IPv6 counts per /64.
 */
export const DEFAULT_MAX_STREAMS_PER_CLIENT = 1_000;
/**
 * New streams per second one client address may open (`--stream-rate`), after a burst of as many as it may
 * hold at once: a whole office reconnecting after a hub restart passes, a loop reconnecting all day
 * (the probe made 50,000 connect/disconnect cycles) gets 429.
 */
export const DEFAULT_STREAM_RATE_PER_CLIENT = 100;
/**
 * Updates per second one publisher token may publish over HTTP (`--publish-rate`), after a burst of a
 * second's worth: a leaked token or a publisher stuck in a loop cannot flood every subscriber and evict the
 * history. `hub.publish()` is not limited.
 */
export const DEFAULT_PUBLISH_RATE_PER_TOKEN = 1_000;
/** Busy keys (addresses, tokens) a rate limit tracks; beyond them new keys share one bucket (memory stays bounded). */
export const MAX_RATE_LIMIT_KEYS = 100_000;

// ---- Protected resource metadata, QUERY bodies, active subscriptions ----

/**
 * How long clients and caches may keep the metadata document, in seconds. It changes only when the hub
 * restarts with other options; an hour keeps clients from fetching it before every connection.
 */
export const METADATA_MAX_AGE_SECONDS = 3600;

/**
 * Largest QUERY body, in bytes. The selector limits allow 100 selectors of 2,048 characters; an ASCII
 * URL pattern percent-encoded by URLSearchParams (`/` and `:` become `%2F`, `%3A`) is up to 3 bytes a
 * character, so the longest acceptable ASCII list is about 600 KiB. A larger body cannot pass those
 * limits, so it is refused (413) before it is read to the end.
 */
export const MAX_SUBSCRIBE_BODY_BYTES = 1_048_576;

/** Milliseconds between a node's heartbeats while it holds subscriptions: how others tell it is alive. */
export const DEFAULT_SUBSCRIPTION_HEARTBEAT_MS = 15_000;

/**
 * Heartbeats a node may miss before the others expire its subscriptions (publish `active: false` for
 * them): a node that died, or lost the log, without saying goodbye must not leave them "active" forever.
 */
export const SUBSCRIPTION_MISSED_HEARTBEATS = 3;

/** Subscriptions in one API answer, so one request cannot make the hub serialize an unbounded list. */
export const MAX_SUBSCRIPTIONS_PER_RESPONSE = 10_000;

/** Entries read per page when a node builds its snapshot from the history at start. */
export const SNAPSHOT_READ_PAGE = 1_000;
