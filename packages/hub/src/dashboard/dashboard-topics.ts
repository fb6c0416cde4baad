/**
 * The dashboard's topic list, from one source: with active subscriptions on, the subscription API's
 * data (every node's subscriptions, counted per topic matcher); otherwise this node's registry
 * (`hub.stats().topics`). Counted once per stats sample and shared by every viewer.
 */
import type { Hub, HubStats } from '../create-hub.js';

export interface DashboardTopics {
  /** Selectors with how many subscribers use each, most used first. */
  readonly topics: readonly { readonly selector: string; readonly subscribers: number }[];
  /** `subscriptions`: every node's, from the subscription API data; `local`: this node's. */
  readonly source: 'subscriptions' | 'local';
}

const counted = new WeakMap<HubStats, DashboardTopics>();

export function dashboardTopics(hub: Hub, stats: HubStats): DashboardTopics {
  const known = counted.get(stats);
  if (known !== undefined) return known;
  const active = hub.activeSubscriptions();
  let result: DashboardTopics;
  if (active === null) result = { topics: stats.topics, source: 'local' };
  else {
    const counts = new Map<string, number>();
    for (const doc of active) counts.set(doc.match, (counts.get(doc.match) ?? 0) + 1);
    const topics = [...counts]
      .map(([selector, subscribers]) => ({ selector, subscribers }))
      .sort((a, b) => b.subscribers - a.subscribers || a.selector.localeCompare(b.selector));
    result = { topics, source: 'subscriptions' };
  }
  counted.set(stats, result);
  return result;
}
