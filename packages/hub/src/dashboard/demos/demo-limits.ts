/**
 * The limits and defaults of the demos (`mountDashboard(hub, { demos: true })`, `--demos`), each next to
 * what it prevents. The dashboard's are in ../dashboard-limits.ts; the README's "Limits" tables list the
 * same values.
 */

/** Milliseconds between ticker demo prices, monitor demo samples and clock demo ticks (`demoIntervals`' defaults). */
export const DEMO_TICKER_INTERVAL_MS = 1_000;
export const DEMO_MONITOR_INTERVAL_MS = 2_000;
export const DEMO_CLOCK_INTERVAL_MS = 1_000;
/** Processes the monitor demo lists (busiest first). */
export const DEMO_TOP_PROCESSES = 5;
/** Chat demo: longest name and message in characters after trimming, largest request body in bytes. */
export const DEMO_CHAT_MAX_NAME = 32;
export const DEMO_CHAT_MAX_TEXT = 500;
export const DEMO_CHAT_MAX_BODY_BYTES = 4 * 1024;
/** Chat demo sends at once, then DEMO_CHAT_PER_SECOND (for everyone together); past it 429. */
export const DEMO_CHAT_BURST = 10;
export const DEMO_CHAT_PER_SECOND = 2;
/**
 * Updates the demos' own hub keeps for replay. The demos never publish to the real hub: they run on a
 * hub of their own, so nothing a visitor sends can evict real updates or count against real limits.
 */
export const DEMO_HISTORY_SIZE = 500;
