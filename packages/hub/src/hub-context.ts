/** What the hub's routes share: the options, the subscribers, the update pipeline and the instruments. */
import type { CorsPolicy } from '@tidings/server';
import type { KeyedRateLimits } from './client-limits/keyed-rate-limits.js';
import type { StreamAdmission } from './client-limits/stream-admission.js';
import type { ResolvedHubOptions } from './hub-options.js';
import type { UpdatePipeline } from './log/update-pipeline.js';
import type { Logger } from './logger.js';
import type { HubMetrics } from './metrics.js';
import type { SubscriberRegistry } from './subscribe/subscriber-registry.js';
import type { ActiveSubscriptions } from './subscriptions/active-subscriptions.js';

export interface HubContext {
  readonly config: ResolvedHubOptions;
  readonly cors: CorsPolicy;
  readonly metrics: HubMetrics;
  readonly log: Logger;
  readonly registry: SubscriberRegistry;
  readonly pipeline: UpdatePipeline;
  /** Open streams and new-stream rate per client address. */
  readonly streams: StreamAdmission;
  /** Publishes per second per publisher token; null: unlimited. */
  readonly publishRates: KeyedRateLimits | null;
  /** Active subscriptions (events, API); null when the `subscriptions` option is off. */
  readonly subscriptions: ActiveSubscriptions | null;
  /** True once `hub.close()` has begun: new publishes and subscriptions are answered 503. */
  isClosing(): boolean;
}
