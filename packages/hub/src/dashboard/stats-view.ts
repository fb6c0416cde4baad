/**
 * What the dashboard's stats endpoints show to one viewer.
 *
 * Topic names can be secrets: a subscriber's selector such as https://example.com/users/42/inbox says who
 * is listening to what. So when the hub has a JWT key configured, a viewer sees a selector's name only when
 * it sends `Authorization: Bearer <publisher token>` and that token may publish to it (a publisher that may
 * publish to a topic knows it already); everyone else sees counts only. A hub with no key at all has no
 * private updates and no tokens, so its selectors are shown to every viewer.
 */
import { canPublish } from '../auth/authorization.js';
import { tokenGrants } from '../auth/request-grants.js';
import { bearerToken } from '../auth/request-token.js';
import type { Hub, HubStats } from '../create-hub.js';
import { TokenError } from '../errors.js';
import { dashboardTopics } from './dashboard-topics.js';
import type { StatsSample } from './stats-sampler.js';

/** Decides which selector names a viewer may see. */
export type TopicFilter = (selector: string) => boolean;

const NONE: TopicFilter = () => false;
const ALL: TopicFilter = () => true;

/** The filter for a request carrying `authorization` (the header's value, if any). */
export async function topicFilterFor(hub: Hub, authorization: string | null): Promise<TopicFilter> {
  const { publisherTokens, subscriberTokens, publicUrl } = hub.options;
  if (publisherTokens === null && subscriberTokens === null) return ALL;
  const token = authorization === null ? null : bearerToken(authorization);
  if (token === null || publisherTokens === null) return NONE;
  // A refused token (or keys that cannot be fetched) shows counts only, not a 401: the page stays useful.
  const verified = await tokenGrants(publisherTokens, token, publicUrl);
  if (verified instanceof TokenError) return NONE;
  return (selector) => canPublish(verified.grants, [selector]);
}

export interface TopicCount {
  readonly selector: string;
  readonly subscribers: number;
}

export interface StatsView {
  readonly time: number;
  readonly startedAt: number;
  readonly uptimeSeconds: number;
  readonly subscribers: number;
  readonly updatesPublished: number;
  readonly eventsDelivered: number;
  readonly slowDisconnects: number;
  readonly publishRate: number;
  readonly deliveryRate: number;
  /** Selectors in use that this viewer may see, most subscribed first. */
  readonly topics: readonly TopicCount[];
  /** Selectors in use that are not listed (hidden from this viewer, or past the list's limit). */
  readonly topicsNotShown: number;
  /** Where the topics come from: `subscriptions` (every node's, the subscription API data) or `local` (this node's). */
  readonly topicsSource: 'subscriptions' | 'local';
  /** How the hub is configured, so the page can say what to do (no secrets). */
  readonly hub: { readonly publishing: boolean; readonly anonymous: boolean };
  /** The kept samples, oldest first (only in the first message of a stream, and in stats.json). */
  readonly samples?: readonly StatsSample[];
}

/** The view of `stats` (the hub's, taken once per sample and shared by every viewer) for one viewer. */
export function statsView(
  hub: Hub,
  stats: HubStats,
  latest: StatsSample | undefined,
  filter: TopicFilter,
  maxTopics: number,
  samples?: readonly StatsSample[],
): StatsView {
  const time = Date.now();
  const { topics: all, source } = dashboardTopics(hub, stats);
  const visible = all.filter((topic) => filter(topic.selector));
  const topics = visible.slice(0, maxTopics);
  const { options } = hub;
  return {
    time,
    startedAt: stats.startedAt,
    uptimeSeconds: Math.floor((time - stats.startedAt) / 1000),
    subscribers: stats.subscribers,
    updatesPublished: stats.updatesPublished,
    eventsDelivered: stats.eventsDelivered,
    slowDisconnects: stats.slowDisconnects,
    publishRate: latest?.publishRate ?? 0,
    deliveryRate: latest?.deliveryRate ?? 0,
    topics,
    topicsNotShown: all.length - topics.length,
    topicsSource: source,
    hub: {
      publishing: options.publisherTokens !== null,
      anonymous: options.anonymous,
    },
    ...(samples !== undefined && { samples }),
  };
}
