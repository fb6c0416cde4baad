/** The `subscriptions` option of `createHub`: off by default; `true` or an object turns it on. */
import { DEFAULT_SUBSCRIPTION_HEARTBEAT_MS } from '../limits.js';

export interface SubscriptionOptions {
  /**
   * Milliseconds between this node's heartbeats while it holds subscriptions; default 15000. Nodes
   * that miss 3 in a row have their subscriptions expired by the others.
   */
  heartbeat?: number;
}

export interface ResolvedSubscriptions {
  readonly heartbeatMs: number;
}

export function resolveSubscriptionOptions(
  value: boolean | SubscriptionOptions | undefined,
): ResolvedSubscriptions | null {
  if (value === undefined || value === false) return null;
  if (value === true) return { heartbeatMs: DEFAULT_SUBSCRIPTION_HEARTBEAT_MS };
  if (typeof value !== 'object' || value === null)
    throw new TypeError('subscriptions must be true, false or { heartbeat?: milliseconds }');
  const heartbeat = value.heartbeat ?? DEFAULT_SUBSCRIPTION_HEARTBEAT_MS;
  if (!Number.isSafeInteger(heartbeat) || heartbeat < 1)
    throw new TypeError(
      `subscriptions.heartbeat must be a whole number of milliseconds >= 1, got ${String(heartbeat)}`,
    );
  return { heartbeatMs: heartbeat };
}
