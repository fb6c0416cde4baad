/**
 * Draft-08 `urlpattern` matchers on top of the WHATWG URLPattern polyfill (Node 20 has no global
 * URLPattern). The polyfill compiles patterns to backtracking JavaScript regular expressions, so a
 * crafted pattern such as `/*a*a*a*a*b` could take minutes on one topic (draft-08 "URL-Pattern Denial of
 * Service"). Three defences:
 * - regexp groups `(...)` are refused: they are the direct way to write a catastrophic expression;
 * - at most `MAX_SELECTOR_GROUPS` named groups and wildcards;
 * - a pattern with two groups or wildcards in one path segment, or more than one `*`, can backtrack
 *   polynomially: it is evaluated in a node:vm context with a time limit (`URLPATTERN_TIME_LIMIT_MS`),
 *   and a match that runs out of time counts as no match, as the draft requires; and all such
 *   evaluations together share a hub-wide budget per second (`GUARDED_PATTERN_BUDGET_MS`, match-budget.ts),
 *   so however many selectors and updates there are, they cannot take more than that share of a core.
 *   Other patterns (one group per segment, the common `/books/:id/chapters/:n` shape) run directly.
 */
import { createContext, Script } from 'node:vm';
import { URLPattern } from 'urlpattern-polyfill/urlpattern';
import { SelectorError } from './errors.js';
import {
  GUARDED_PATTERN_BUDGET_MS,
  GUARDED_PATTERN_BUDGET_WINDOW_MS,
  MAX_SELECTOR_GROUPS,
  URLPATTERN_TIME_LIMIT_MS,
} from './limits.js';
import { MatchBudget } from './match-budget.js';

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
 * Compiles a URL pattern (relative ones against `baseUrl`). The matcher answers null, not false, when
 * the budget was spent and the pattern was not evaluated: no match now, but not a result to remember.
 * Throws `SelectorError('INVALID_PATTERN')`.
 */
export function compileUrlPattern(
  source: string,
  baseUrl: string,
  budget: MatchBudget = guardedPatternBudget,
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
    pattern = new URLPattern(source, baseUrl);
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
