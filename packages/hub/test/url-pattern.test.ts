// Both URLPattern implementations the hub can run on: the polyfill (Node 20 and 22) and Node's global one
// (Node 23.8+ and 24). Every case runs on each implementation present on this Node, with the same expected
// results, so CI's runs on Node 20, 22 and 24 cover both paths.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MatchBudget } from '../src/topics/match-budget.ts';
import {
  compileUrlPattern,
  type URLPatternClass,
  urlPatternClass,
  urlPatternPolyfill,
} from '../src/topics/url-pattern.ts';

const BASE = 'https://hub.example/.well-known/mercure';
const NODE_MAJOR = Number(process.versions.node.split('.')[0]);
const globalURLPattern = (globalThis as { URLPattern?: URLPatternClass }).URLPattern;

const implementations: [string, URLPatternClass][] = [['polyfill', urlPatternPolyfill]];
if (globalURLPattern !== undefined) implementations.push(['global URLPattern', globalURLPattern]);

test('the hub uses the global URLPattern where Node has one (Node 24 does), else the polyfill', () => {
  if (NODE_MAJOR >= 24) assert.equal(typeof globalURLPattern, 'function', `Node ${process.version} has URLPattern`);
  assert.equal(urlPatternClass, globalURLPattern ?? urlPatternPolyfill);
  if (globalURLPattern !== undefined) assert.notEqual(urlPatternClass, urlPatternPolyfill);
});

/** [pattern, topic, matches], as the URLPattern standard has them. */
const CASES: [string, string, boolean][] = [
  ['https://example.com/books/:id', 'https://example.com/books/1', true],
  ['https://example.com/books/:id', 'https://example.com/books/1/chapters', false],
  ['https://example.com/books/:id', 'https://example.com/authors/1', false],
  ['https://example.com/books/:id/chapters/:n', 'https://example.com/books/1/chapters/2', true],
  ['https://example.com/users/42/*', 'https://example.com/users/42/books/1?x=1#y', true],
  ['https://example.com/books/:id?', 'https://example.com/books', true],
  ['https://example.com/b/:ids+', 'https://example.com/b/1/2', true],
  ['https://example.com/b/:ids+', 'https://example.com/b', false],
  ['https://*.example.com/*', 'https://a.b.example.com/x', true],
  ['https://*.example.com/*', 'https://example.org/x', false],
  ['https://example.com/{books/}?:id', 'https://example.com/7', true],
  ['https://example.com/{books/}?:id', 'https://example.com/books/7', true],
  // The host is lower-cased and the path percent-encoded before matching, in pattern and topic alike.
  ['https://example.com/books/:id', 'https://EXAMPLE.com/books/1', true],
  ['https://example.com/café/:x', 'https://example.com/caf%C3%A9/1', true],
  ['https://example.com/caf%C3%A9/:x', 'https://example.com/café/1', true],
  // Relative patterns and topics resolve against the hub's URL.
  ['/.well-known/mercure/subscriptions/:t', '/.well-known/mercure/subscriptions/x', true],
  ['/.well-known/mercure/subscriptions/:t', 'https://hub.example/.well-known/mercure/subscriptions/x', true],
  ['/.well-known/mercure/subscriptions/:t', 'https://other.example/.well-known/mercure/subscriptions/x', false],
  // [spec] draft-08: a topic that is not a URL matches no pattern, except `*`, which matches anything.
  ['https://example.com/books/:id', 'not a url', false],
  ['https://example.com/books/:id', 'https://[::1', false],
  ['*', 'not a url', true],
  // Two groups in one segment: the guarded path, which must give the same answers.
  ['https://example.com/:a-:b', 'https://example.com/x-y', true],
  ['https://example.com/:a-:b', 'https://example.com/xy', false],
  ['https://example.com/*a*a*a*a*a*a*b', 'https://example.com/aaaaaab', true],
];

/**
 * Whether `matches` says yes to `topic` within a few tries. A guarded evaluation that takes longer than its
 * time limit (10 ms) counts as no match, as designed; on a loaded machine even a benign one can, now and
 * then. A match must show within the tries; a wrong "no" never turns into a yes.
 */
function matchesWithin(matches: (topic: string) => boolean | null, topic: string, tries = 5): boolean | null {
  let answer: boolean | null = false;
  for (let i = 0; i < tries && answer !== true; i++) answer = matches(topic);
  return answer;
}

for (const [name, URLPatternImpl] of implementations) {
  describe(`URL patterns on the ${name}`, () => {
    test('match as the URLPattern standard says', () => {
      const budget = new MatchBudget(60_000, 1_000);
      for (const [pattern, topic, expected] of CASES) {
        const matches = compileUrlPattern(pattern, BASE, budget, URLPatternImpl);
        assert.equal(matchesWithin(matches, topic), expected, `${pattern} against ${topic}`);
      }
    });

    test('regexp groups, too many groups and unparsable patterns are refused', () => {
      const compile = (pattern: string) => () => compileUrlPattern(pattern, BASE, undefined, URLPatternImpl);
      assert.throws(compile('https://example.com/(a+)+$'), { code: 'INVALID_PATTERN', message: /regexp groups/ });
      assert.throws(compile('https://example.com/:id(\\d+)'), /regexp groups/);
      assert.throws(compile(`https://example.com/${':a/'.repeat(17)}`), /at most 16/);
      assert.throws(compile('https://example.com/:'), { code: 'INVALID_PATTERN', message: /cannot be parsed/ });
    });

    test('a pattern that backtracks catastrophically is cut off by the time limit, counts as no match, and spends the budget', () => {
      let now = 0;
      const budget = new MatchBudget(30, 1_000, () => now);
      const evil = compileUrlPattern('https://example.com/*a*a*a*a*a*a*b', BASE, budget, URLPatternImpl);
      // O(n^6) steps on 300 characters: hours without the limit, one time limit (10 ms) with it.
      const slowTopic = `https://example.com/${'a'.repeat(300)}`;
      for (let i = 0; i < 20 && budget.remaining() >= 1; i++) assert.equal(evil(slowTopic), false);
      assert.ok(budget.remaining() < 1, 'a few cut-off evaluations spent the window');
      assert.equal(evil('https://example.com/aaaaaab'), null, 'not evaluated: the budget is spent');
      assert.ok(budget.refused >= 1);
      // A new window for each try: on a loaded machine a benign evaluation can use up a 30 ms window too.
      const nextWindow = (topic: string) => {
        now += 1_000;
        return evil(topic);
      };
      assert.equal(
        matchesWithin(nextWindow, 'https://example.com/aaaaaab'),
        true,
        'the pattern still works after being cut off',
      );
    });

    test('linear patterns run directly and never touch the budget', () => {
      const budget = new MatchBudget(0, 1_000, () => 0);
      const linear = compileUrlPattern('https://example.com/books/:id', BASE, budget, URLPatternImpl);
      assert.equal(linear('https://example.com/books/1'), true);
      assert.equal(budget.refused, 0);
    });
  });
}
