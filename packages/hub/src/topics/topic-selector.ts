/**
 * Topic selectors: the expressions subscribers and tokens use to pick topics.
 *
 * - Mercure 0.x (`topic=` query parameter, `mercure.publish` / `mercure.subscribe` claims): `*` matches
 *   every topic; otherwise a topic matches when it equals the selector, or when the selector is a valid
 *   RFC 6570 URI Template that the topic matches (see uri-template.ts).
 * - Draft-08 `exact` matcher (`match=`, `match_exact=`, `match_type: "exact"`): `*` or byte equality.
 * - Draft-08 `urlpattern` matcher (`match_urlpattern=`, `match_type: "urlpattern"`): `*` or a WHATWG
 *   URL Pattern, relative patterns and topics resolved against the hub's URL.
 */
import { SelectorError } from '../errors.js';
import { MATCH_CACHE_SIZE, MAX_SELECTOR_LENGTH, MAX_SHARED_SELECTORS } from '../limits.js';
import { hasForbiddenCharacters } from './text-rules.js';
import { compileUriTemplate } from './uri-template.js';
import { compileUrlPattern } from './url-pattern.js';

/** How a selector is interpreted: `template` is Mercure 0.x, `exact` and `urlpattern` are draft-08. */
export type SelectorKind = 'template' | 'exact' | 'urlpattern';

export interface TopicSelector {
  readonly kind: SelectorKind;
  /** The selector as given. */
  readonly source: string;
  /** True when `topic` is selected. */
  matches(topic: string): boolean;
  /** Topic results remembered now (0 for selectors matched by equality, which need none). */
  readonly cachedResults: number;
}

/** The reserved wildcard: matches every topic, whatever the matcher type. */
export const WILDCARD = '*';

const ANY = (): boolean => true;

function checkSource(source: unknown): string {
  if (typeof source !== 'string' || source.length === 0) {
    throw new SelectorError('INVALID_SELECTOR', 'a topic selector must be a non-empty string');
  }
  if (source.length > MAX_SELECTOR_LENGTH) {
    throw new SelectorError('INVALID_SELECTOR', `a topic selector may be at most ${MAX_SELECTOR_LENGTH} characters`);
  }
  if (hasForbiddenCharacters(source)) {
    throw new SelectorError('INVALID_SELECTOR', 'a topic selector must not contain control or format characters');
  }
  return source;
}

function templateMatcher(source: string): Matcher {
  // A selector without an expression is a literal: equality is all it can match, and it needs no cache
  // (one per subscriber, filled by every replay, was the soak's largest growing object).
  const template = source.includes('{') ? compileUriTemplate(source) : null;
  // [spec] 0.x "Topic Selectors" step 2 then 3: exact equality first (so a template matches itself), then the template.
  if (template === null) return uncached((topic) => topic === source);
  return cached((topic) => topic === source || template.test(topic));
}

interface Matcher {
  matches(topic: string): boolean;
  readonly cachedResults: number;
}

function uncached(matches: (topic: string) => boolean): Matcher {
  return { matches, cachedResults: 0 };
}

/**
 * Remembers the last results of a pattern matcher: in pub/sub the same topics come back again and again,
 * and a pattern is tried against every update for every subscriber that uses it.
 */
function cached(test: (topic: string) => boolean | null): Matcher {
  const results = new Map<string, boolean>();
  const matches = (topic: string): boolean => {
    let result = results.get(topic);
    if (result === undefined) {
      const answer = test(topic);
      // null: not evaluated (the matching budget was spent): no match now, and nothing to remember.
      if (answer === null) return false;
      result = answer;
      if (results.size >= MATCH_CACHE_SIZE) results.clear();
      results.set(topic, result);
    }
    return result;
  };
  return {
    matches,
    get cachedResults() {
      return results.size;
    },
  };
}

/**
 * Compiled selectors, shared: ten thousand subscribers of one topic (and every token naming it) use one
 * selector object, and a pattern's remembered results serve all of them, rather than each subscriber
 * compiling the pattern again and testing each topic against it again. Cleared when full.
 */
const shared = new Map<string, TopicSelector>();

/**
 * Compiles a selector, or returns the one compiled before for the same source, kind and base. `baseUrl`
 * (the hub's URL) resolves relative URL patterns and topics. Throws a `SelectorError` for an empty,
 * over-long or unusable selector.
 */
export function compileSelector(source: string, kind: SelectorKind, baseUrl: string): TopicSelector {
  const key = `${kind} ${baseUrl} ${source}`;
  let selector = shared.get(key);
  if (selector === undefined) {
    selector = compile(source, kind, baseUrl);
    if (shared.size >= MAX_SHARED_SELECTORS) shared.clear();
    shared.set(key, selector);
  }
  return selector;
}

function compile(source: string, kind: SelectorKind, baseUrl: string): TopicSelector {
  checkSource(source);
  let matcher: Matcher;
  if (source === WILDCARD) matcher = uncached(ANY);
  else if (kind === 'exact') matcher = uncached((topic) => topic === source);
  else if (kind === 'template') matcher = templateMatcher(source);
  else if (kind === 'urlpattern') matcher = cached(compileUrlPattern(source, baseUrl));
  else throw new SelectorError('UNKNOWN_MATCHER', 'unknown matcher type');
  const { matches } = matcher;
  return {
    kind,
    source,
    matches,
    get cachedResults() {
      return matcher.cachedResults;
    },
  };
}

/** True when any of `topics` matches any of `selectors`. */
export function anyTopicMatches(selectors: readonly TopicSelector[], topics: readonly string[]): boolean {
  for (const selector of selectors) {
    for (const topic of topics) if (selector.matches(topic)) return true;
  }
  return false;
}
