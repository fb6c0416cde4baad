/** [spec] draft-08 "Subscription Events": the JSON document of one subscription. */
import { subscriptionTopic } from './subscription-topic.js';

export interface SubscriptionDocument {
  /** The same value as the event's topic. */
  readonly id: string;
  readonly type: 'subscription';
  readonly match_type: string;
  readonly match: string;
  readonly subscriber: string;
  readonly active: boolean;
  /** The subscriber token's `payload`, when it has one. */
  readonly payload?: unknown;
  /** Tidings' own: the node the subscriber is connected to (the draft allows other properties). */
  readonly node: string;
}

export function subscriptionDocument(
  matchType: string,
  match: string,
  subscriber: string,
  active: boolean,
  payload: unknown,
  node: string,
): SubscriptionDocument {
  return {
    id: subscriptionTopic(matchType, match, subscriber),
    type: 'subscription',
    match_type: matchType,
    match,
    subscriber,
    active,
    ...(payload !== undefined && { payload }),
    node,
  };
}

/** Reads a subscription event's data back; null when it is not one (e.g. a heartbeat). */
export function readSubscriptionDocument(data: string): SubscriptionDocument | null {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const doc = value as Record<string, unknown>;
  if (doc.type !== 'subscription' || typeof doc.id !== 'string' || typeof doc.node !== 'string') return null;
  if (typeof doc.active !== 'boolean') return null;
  return value as SubscriptionDocument;
}
