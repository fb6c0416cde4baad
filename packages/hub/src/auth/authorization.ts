/**
 * What a verified token allows, read from its claims:
 * - Mercure 0.x: `mercure.publish` and `mercure.subscribe`, arrays of topic selectors (`*`, exact strings,
 *   URI templates); `mercure.payload`, any JSON value.
 * - Draft-08: `authorization_details`, an array whose entries of type
 *   `https://mercure.rocks/authorization-detail` grant `actions` (`publish`, `subscribe`; unknown actions
 *   grant nothing) on `topics` (`{match, match_type?}` with `exact`, the default, or `urlpattern`).
 * Both forms may appear in one token; their grants add up. A claim with the wrong shape makes the whole
 * token invalid (never partly accepted), so a typo cannot silently change what a token allows.
 */
import { SelectorError, TokenError } from '../errors.js';
import { MAX_CLAIM_SELECTORS } from '../limits.js';
import { anyTopicMatches, compileSelector, type SelectorKind, type TopicSelector } from '../topics/topic-selector.js';

/** The Mercure authorization detail type (draft-08 "Authorization Details"). */
export const MERCURE_DETAIL_TYPE = 'https://mercure.rocks/authorization-detail';

export interface Grants {
  /** Selectors of the topics the token may publish to; empty: none. */
  readonly publish: readonly TopicSelector[];
  /** Selectors of the topics whose private updates the token may receive; empty: none. */
  readonly subscribe: readonly TopicSelector[];
  /** `mercure.payload`, or the payload of the first draft-08 subscribe detail that has one. */
  readonly payload: unknown;
}

/** Grants of a request without a token: public updates only, no publishing. */
export const NO_GRANTS: Grants = Object.freeze({ publish: [], subscribe: [], payload: undefined });

const MATCH_TYPES = new Set<SelectorKind>(['exact', 'urlpattern']);

function invalid(message: string): TokenError {
  return new TokenError('INVALID_CLAIMS', message);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function compileClaim(source: unknown, kind: SelectorKind, baseUrl: string): TopicSelector {
  if (typeof source !== 'string') throw invalid('a topic selector in the token is not a string');
  try {
    return compileSelector(source, kind, baseUrl);
  } catch (error) {
    if (error instanceof SelectorError) throw invalid('a topic selector in the token cannot be used');
    throw error;
  }
}

function readLegacy(claim: unknown, name: string, baseUrl: string, into: TopicSelector[]): void {
  if (claim === undefined) return;
  if (!Array.isArray(claim)) throw invalid(`mercure.${name} must be an array of topic selectors`);
  for (const source of claim) into.push(compileClaim(source, 'template', baseUrl));
}

function readDetail(detail: Record<string, unknown>, baseUrl: string, grants: Mutable): void {
  const { actions, topics, payload } = detail;
  if (!Array.isArray(actions) || actions.length === 0 || !actions.every((a) => typeof a === 'string')) {
    throw invalid('authorization_details actions must be a non-empty array of strings');
  }
  if (!Array.isArray(topics) || topics.length === 0) {
    throw invalid('authorization_details topics must be a non-empty array');
  }
  if (payload !== undefined && !isObject(payload)) throw invalid('authorization_details payload must be an object');
  const selectors = topics.map((entry) => {
    if (!isObject(entry)) throw invalid('authorization_details topics entries must be objects');
    const kind = entry.match_type ?? 'exact';
    if (typeof kind !== 'string' || !MATCH_TYPES.has(kind as SelectorKind)) {
      throw invalid('authorization_details match_type must be "exact" or "urlpattern"');
    }
    return compileClaim(entry.match, kind as SelectorKind, baseUrl);
  });
  // [spec] draft-08: unrecognized actions are ignored; they grant nothing and do not invalidate the token.
  if (actions.includes('publish')) grants.publish.push(...selectors);
  if (actions.includes('subscribe')) {
    grants.subscribe.push(...selectors);
    if (payload !== undefined && grants.payload === undefined) grants.payload = payload;
  }
}

interface Mutable {
  publish: TopicSelector[];
  subscribe: TopicSelector[];
  payload: unknown;
}

/** Reads the grants of verified claims. Throws `TokenError('INVALID_CLAIMS')` for a malformed claim. */
export function grantsFromClaims(claims: Record<string, unknown>, baseUrl: string): Grants {
  const grants: Mutable = { publish: [], subscribe: [], payload: undefined };
  const { mercure, authorization_details: details } = claims;
  if (mercure !== undefined) {
    if (!isObject(mercure)) throw invalid('the mercure claim must be an object');
    readLegacy(mercure.publish, 'publish', baseUrl, grants.publish);
    readLegacy(mercure.subscribe, 'subscribe', baseUrl, grants.subscribe);
    grants.payload = mercure.payload;
  }
  if (details !== undefined) {
    if (!Array.isArray(details)) throw invalid('authorization_details must be an array');
    for (const detail of details) {
      if (!isObject(detail)) throw invalid('authorization_details entries must be objects');
      // RFC 9396 lets one token carry details for other APIs; only Mercure's type is read here.
      if (detail.type === MERCURE_DETAIL_TYPE) readDetail(detail, baseUrl, grants);
    }
  }
  if (grants.publish.length + grants.subscribe.length > MAX_CLAIM_SELECTORS) {
    throw invalid(`a token may carry at most ${MAX_CLAIM_SELECTORS} topic selectors`);
  }
  return grants;
}

/** [spec] 0.x "Publishers": every topic of the update must match at least one publish selector. */
export function canPublish(grants: Grants, topics: readonly string[]): boolean {
  if (grants.publish.length === 0) return false;
  return topics.every((topic) => grants.publish.some((selector) => selector.matches(topic)));
}

/** [spec] 0.x "Subscribers": a private update needs at least one of its topics to match a subscribe selector. */
export function canReceivePrivate(grants: Grants, topics: readonly string[]): boolean {
  return anyTopicMatches(grants.subscribe, topics);
}
