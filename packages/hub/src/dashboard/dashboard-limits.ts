/**
 * The limits and defaults of the dashboard (`mountDashboard`, `--dashboard`), each next to the accident it
 * prevents. The hub's are in ../limits.ts; the README's "Limits" tables
 * list the same values.
 */

/** Milliseconds between two dashboard samples (subscribers, publish and delivery rates): `sampleInterval`'s default. */
export const DASHBOARD_SAMPLE_INTERVAL_MS = 1_000;
/** Samples the dashboard keeps and sends to a page that opens (60 at one a second: the last minute). */
export const DASHBOARD_SAMPLES_KEPT = 60;
/** Topics listed in one stats sample (most subscribed first); the rest are counted, not named. */
export const DASHBOARD_MAX_TOPICS = 100;
/** Concurrent stats streams (pages showing the dashboard): `maxViewers`'s default; more get 429, so viewers cannot use up files. */
export const DASHBOARD_MAX_VIEWERS = 1_000;
/**
 * Bytes a dashboard viewer may leave unread before its stats stream is closed (minutes of samples): a page
 * that stopped reading must not grow the hub's memory. The page reconnects once it reads again.
 */
export const DASHBOARD_MAX_QUEUED_BYTES = 256 * 1024;
/** Reconnection delay (ms) the stats stream asks pages for. */
export const DASHBOARD_RETRY_MS = 2_000;
/**
 * Milliseconds the publish and delivery rates are averaged over, rather than taken between two samples: a
 * publisher with a rhythm (the monitor example publishes every 2 s, many backends every few seconds) would
 * otherwise draw a zigzag between 0 and twice its rate on a chart sampled every second. 6 s holds a whole
 * number of 1, 2 and 3 s periods, so such rhythms draw a flat line, and a change still shows within a few
 * seconds.
 */
export const RATE_WINDOW_MS = 6_000;
