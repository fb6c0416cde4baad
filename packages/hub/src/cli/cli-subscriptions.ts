/** The hub's flags for active subscriptions (draft-08 subscription events and API). */

import type { HubOptions } from '../hub-options.js';
import { DEFAULT_SUBSCRIPTION_HEARTBEAT_MS } from '../limits.js';
import { type FlagSpec, type FlagValues, integerFlag } from './cli-flags.js';
import { MAX_SUBSCRIPTIONS_HEARTBEAT_SECONDS } from './cli-limits.js';

const DEFAULT_HEARTBEAT_SECONDS = DEFAULT_SUBSCRIPTION_HEARTBEAT_MS / 1000;

export const SUBSCRIPTION_FLAGS: readonly FlagSpec[] = [
  {
    name: 'subscriptions',
    kind: 'boolean',
    env: ['TIDINGS_SUBSCRIPTIONS'],
    defaultText: 'false',
    description:
      'Publish subscription events on connect and disconnect and serve the subscription API (/.well-known/mercure/subscriptions).',
  },
  {
    name: 'subscriptions-heartbeat',
    kind: 'string',
    env: ['TIDINGS_SUBSCRIPTIONS_HEARTBEAT'],
    defaultText: String(DEFAULT_HEARTBEAT_SECONDS),
    description:
      "Seconds between a node's heartbeats while it holds subscriptions; other nodes expire its subscriptions after 3 missed.",
  },
];

export function readSubscriptionFlags(values: FlagValues): HubOptions {
  if (values.get('subscriptions') !== true) return { subscriptions: false };
  const seconds = integerFlag(
    values,
    'subscriptions-heartbeat',
    DEFAULT_HEARTBEAT_SECONDS,
    1,
    MAX_SUBSCRIPTIONS_HEARTBEAT_SECONDS,
  );
  return { subscriptions: { heartbeat: seconds * 1000 } };
}
