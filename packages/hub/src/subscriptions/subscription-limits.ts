/** The named limits of active subscriptions (documented in the README, "Active subscriptions"). */

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
