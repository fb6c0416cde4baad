/**
 * Draft-08 `urlpattern` matchers on the WHATWG URLPattern: the global one where Node has it (Node 23.8+
 * and 24, written in C++ in Node's URL parser, about 4x as fast on the common patterns), the
 * urlpattern-polyfill on Node 20 and 22. Both compile patterns to backtracking regular expressions
 * (V8's, either way), so a crafted pattern such as `/*a*a*a*a*b` could take minutes on one topic
 * (draft-08 "URL-Pattern Denial of Service"). Three defences, the same for both:
 * - regexp groups `(...)` are refused: they are the direct way to write a catastrophic expression;
 * - at most `MAX_SELECTOR_GROUPS` named groups and wildcards;
 * - a pattern with two groups or wildcards in one path segment, or more than one `*`, can backtrack
 *   polynomially: it is evaluated in a node:vm context with a time limit (`URLPATTERN_TIME_LIMIT_MS`),
 *   and a match that runs out of time counts as no match, as the draft requires; and all such
 *   evaluations together share a hub-wide budget per second (`GUARDED_PATTERN_BUDGET_MS`, match-budget.ts),
 *   so however many selectors and updates there are, they cannot take more than that share of a core.
 *   The time limit stops the global URLPattern too: its regular expressions run in V8, which checks for
 *   the termination between backtracking steps (url-pattern.test.ts proves it on both).
 *   Other patterns (one group per segment, the common `/books/:id/chapters/:n` shape) run directly.
 */
import { createContext, Script } from 'node:vm';
import { URLPattern as URLPatternPolyfill } from 'urlpattern-polyfill/urlpattern';
import { SelectorError } from '../errors.js';
import {
  GUARDED_PATTERN_BUDGET_MS,
  GUARDED_PATTERN_BUDGET_WINDOW_MS,
  MAX_SELECTOR_GROUPS,
  URLPATTERN_TIME_LIMIT_MS,
} from '../limits.js';
import { MatchBudget } from './match-budget.js';

/** A URLPattern class: the global one or the polyfill (the same WHATWG API). */
export type URLPatternClass = typeof URLPatternPolyfill;
type URLPattern = InstanceType<URLPatternClass>;

/** The polyfill, for Node without a global URLPattern (and for tests of that path on a Node with one). */
export const urlPatternPolyfill: URLPatternClass = URLPatternPolyfill;

/** The URLPattern the hub uses: Node's own where it has one, else the polyfill. */
export const urlPatternClass: URLPatternClass =
  (globalThis as { URLPattern?: URLPatternClass }).URLPattern ?? URLPatternPolyfill;

/** The hub-wide budget of the patterns that can backtrack. */
export const guardedPatternBudget = new MatchBudget(GUARDED_PATTERN_BUDGET_MS, GUARDED_PATTERN_BUDGET_WINDOW_MS);

const GROUP = /(?<!\\)(?::[A-Za-z_$]|\*)/g;
const REGEXP_GROUP = /(?<!\\)\(/;

function isLinear(source: string): boolean {
  if ((source.match(/(?<!\\)\*/g)?.length ?? 0) > 1) return false;
  return source.split('/').every((segment) => (segment.match(GROUP)?.length ?? 0) <= 1);
}

let sandbox: { run: Script; context: Record<string, unknown> } | undefined;

/** The result of a guarded evaluation, or null when the budget was spent and it did not run. */
function guardedTest(pattern: URLPattern, topic: string, baseUrl: string, budget: MatchBudget): boolean | null {
  const left = budget.remaining();
  if (left < 1) {
    budget.refused++;
    return null;
  }
  sandbox ??= { run: new Script('pattern.test(topic, baseUrl)'), context: createContext({}) };
  const { run, context } = sandbox;
  context.pattern = pattern;
  context.topic = topic;
  context.baseUrl = baseUrl;
  const started = performance.now();
  try {
    return run.runInContext(context, { timeout: Math.min(URLPATTERN_TIME_LIMIT_MS, Math.floor(left)) }) === true;
  } catch {
    return false; // timed out, or the topic is not a URL
  } finally {
    budget.spend(performance.now() - started);
    context.pattern = context.topic = context.baseUrl = undefined;
  }
}

/**
 * Compiles a URL pattern (relative ones against `baseUrl`) with `URLPatternImpl` (default: the global
 * URLPattern where there is one, else the polyfill). The matcher answers null, not false, when
 * the budget was spent and the pattern was not evaluated: no match now, but not a result to remember.
 * Throws `SelectorError('INVALID_PATTERN')`.
 */
export function compileUrlPattern(
  source: string,
  baseUrl: string,
  budget: MatchBudget = guardedPatternBudget,
  URLPatternImpl: URLPatternClass = urlPatternClass,
): (topic: string) => boolean | null {
  if (REGEXP_GROUP.test(source)) {
    throw new SelectorError('INVALID_PATTERN', 'URL pattern regexp groups "(...)" are not supported');
  }
  if ((source.match(GROUP)?.length ?? 0) > MAX_SELECTOR_GROUPS) {
    throw new SelectorError(
      'INVALID_PATTERN',
      `a URL pattern may have at most ${MAX_SELECTOR_GROUPS} groups and wildcards`,
    );
  }
  let pattern: URLPattern;
  try {
    pattern = new URLPatternImpl(source, baseUrl);
  } catch {
    throw new SelectorError('INVALID_PATTERN', 'the URL pattern cannot be parsed');
  }
  if (!isLinear(source)) return (topic) => guardedTest(pattern, topic, baseUrl, budget);
  return (topic) => {
    try {
      return pattern.test(topic, baseUrl);
    } catch {
      // [spec] draft-08 "URL Pattern": a topic that cannot be parsed as a URL does not match.
      return false;
    }
  };
}
