/**
 * The topics of subscription events and the paths of the subscription API, which share one form:
 * `/.well-known/mercure/subscriptions/{match_type}/{match}/{subscriber}`.
 */
import type { TopicSelector } from '../topics/topic-selector.js';

/** [spec] draft-08: the hub's URL path followed by `/subscriptions`. */
export const SUBSCRIPTIONS_PATH = '/.well-known/mercure/subscriptions';

/**
 * [spec] RFC 6570 simple string expansion, as draft-08 asks: every character but the unreserved set
 * (ALPHA DIGIT - . _ ~) is percent-encoded, once, as UTF-8; a `%` already there is encoded too.
 * encodeURIComponent leaves `! ' ( ) *` as they are, so those are encoded here.
 */
export function expandVariable(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The draft-08 matcher type name of a selector. A Mercure 0.x `topic=` selector is a URI template: one
 * without a variable (or `*`) matches exactly like `exact`, and is named so; a real template has no
 * draft-08 name, so it is given the 0.x one, `uritemplate` (documented in the README).
 */
export function matchTypeOf(selector: TopicSelector): string {
  if (selector.kind !== 'template') return selector.kind;
  return selector.source === '*' || !selector.source.includes('{') ? 'exact' : 'uritemplate';
}

export function subscriptionTopic(matchType: string, match: string, subscriber: string): string {
  return `${SUBSCRIPTIONS_PATH}/${matchType}/${expandVariable(match)}/${expandVariable(subscriber)}`;
}

/** What an API path names: all subscriptions, those of one matcher, or one. Null: not an API path. */
export type SubscriptionPath =
  | { readonly kind: 'all' }
  | { readonly kind: 'matcher'; readonly matchType: string; readonly match: string }
  | { readonly kind: 'one'; readonly matchType: string; readonly match: string; readonly subscriber: string };

/** Reads a request path (still percent-encoded); null when it is not one of the three API shapes. */
export function parseSubscriptionPath(pathname: string): SubscriptionPath | null {
  if (pathname === SUBSCRIPTIONS_PATH) return { kind: 'all' };
  if (!pathname.startsWith(`${SUBSCRIPTIONS_PATH}/`)) return null;
  const parts = pathname.slice(SUBSCRIPTIONS_PATH.length + 1).split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((part) => part === '')) return null;
  let decoded: string[];
  try {
    decoded = parts.map((part) => decodeURIComponent(part));
  } catch {
    return null;
  }
  const [matchType, match, subscriber] = decoded as [string, string, string | undefined];
  if (subscriber === undefined) return { kind: 'matcher', matchType, match };
  return { kind: 'one', matchType, match, subscriber };
}

/** The canonical path of a parsed API path: the topic its authorization is checked against. */
export function canonicalPath(path: SubscriptionPath): string {
  if (path.kind === 'all') return SUBSCRIPTIONS_PATH;
  const base = `${SUBSCRIPTIONS_PATH}/${path.matchType}/${expandVariable(path.match)}`;
  return path.kind === 'matcher' ? base : `${base}/${expandVariable(path.subscriber)}`;
}
