import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SelectorError } from '@tidings/hub';
import { MAX_SHARED_SELECTORS } from '../src/limits.ts';
import { MatchBudget } from '../src/topics/match-budget.ts';
import { compileSelector } from '../src/topics/topic-selector.ts';
import { compileUriTemplate } from '../src/topics/uri-template.ts';
import { compileUrlPattern } from '../src/topics/url-pattern.ts';

const BASE = 'https://hub.example/.well-known/mercure';
const matches = (selector: string, topic: string, kind: 'template' | 'exact' | 'urlpattern' = 'template') =>
  compileSelector(selector, kind, BASE).matches(topic);

describe('URI templates (RFC 6570) as Mercure 0.x selectors', () => {
  test('the Mercure 0.x examples', () => {
    assert.ok(matches('https://example.com/books/{id}', 'https://example.com/books/1'));
    assert.ok(!matches('https://example.com/books/{id}', 'https://example.com/books/1/chapters'));
    assert.ok(!matches('https://example.com/books/{id}', 'https://example.com/authors/1'));
    const selector = 'https://example.com/users/foo/{?topic}';
    assert.ok(matches(selector, 'https://example.com/users/foo/?topic=https%3A%2F%2Fexample.com%2Fbooks%2F1'));
    assert.ok(!matches(selector, 'https://example.com/users/bar/?topic=x'));
    assert.ok(!matches(selector, 'https://example.com/users/foo/?other=x'));
  });

  test('a template matches itself, and * matches everything', () => {
    assert.ok(matches('https://example.com/books/{id}', 'https://example.com/books/{id}'));
    assert.ok(matches('*', 'anything at all'));
    assert.ok(matches('*', '*'));
  });

  test('raw strings and URIs match only themselves', () => {
    assert.ok(matches('foo', 'foo'));
    assert.ok(!matches('foo', 'foobar'));
    assert.ok(!matches('https://example.com/a.b', 'https://example.com/aXb'), 'a dot is a literal, not a regexp');
    assert.ok(!matches('a+b', 'aab'));
  });

  test('every operator, level 1 to 4', () => {
    const cases: [string, string, boolean][] = [
      ['/books/{id}', '/books/a%20b', true],
      ['/books/{id}', '/books/a/b', false],
      ['/books/{x,y}', '/books/1,2', true],
      ['{+path}/here', '/foo/bar/here', true],
      ['/x{#frag}', '/x#a/b', true],
      ['/x{#frag}', '/x', true],
      ['file{.ext}', 'file.tar.gz', true],
      ['file{.ext}', 'file', true],
      ['/api{/v,id}', '/api/1/2', true],
      ['/api{/v,id}', '/api', true],
      ['/api{/path*}', '/api/a/b/c', true],
      ['/m{;x,y}', '/m;x=1;y', true],
      ['/m{;x,y}', '/m;z=1', false],
      ['/q{?a,b}', '/q?a=1&b=2', true],
      ['/q{?a,b}', '/q?b=2', true],
      ['/q{?a,b}', '/q', true],
      ['/q{?a,b}', '/q?c=3', false],
      ['/q{?list*}', '/q?anything=1&else=2', true],
      ['/q?fixed=1{&a}', '/q?fixed=1&a=2', true],
      ['/q?fixed=1{&a}', '/q?fixed=1&b=2', false],
      ['/p/{name:3}', '/p/abc', true],
      ['/unicode/{id}', '/unicode/héllo-𝄞', true],
    ];
    for (const [template, topic, expected] of cases) {
      assert.equal(matches(template, topic), expected, `${template} vs ${topic}`);
    }
  });

  test('an invalid template is not a template: it only matches itself', () => {
    for (const template of ['/a/{id', '/a/id}', '/a/{}', '/a/{=x}', '/a/{b c}', '/a/{{x}}']) {
      assert.equal(compileUriTemplate(template), null, template);
      assert.ok(matches(template, template));
      assert.ok(!matches(template, '/a/1'));
    }
  });

  test('templates with too many expressions are refused (ReDoS limit)', () => {
    const many = Array.from({ length: 17 }, (_, i) => `{v${i}}`).join('-');
    assert.throws(() => compileSelector(many, 'template', BASE), SelectorError);
    assert.ok(compileSelector(Array.from({ length: 16 }, (_, i) => `{v${i}}`).join('-'), 'template', BASE));
  });

  test('matching stays fast on adversarial input', () => {
    // As a backtracking RegExp, four adjacent `.` expressions take O(n^4) steps on this input: hours.
    const selector = compileSelector('{.a}{.b}{.c}{.d}{/e}{/f}x', 'template', BASE);
    assert.ok(!selector.matches(`${'.a'.repeat(1000)}/b${'/c'.repeat(1000)}y`));
    assert.ok(selector.matches(`${'.a'.repeat(1000)}/b${'/c'.repeat(1000)}x`));
  });
});

describe('draft-08 matchers', () => {
  test('exact is byte equality, except the * wildcard', () => {
    assert.ok(matches('https://example.com/books/{id}', 'https://example.com/books/{id}', 'exact'));
    assert.ok(!matches('https://example.com/books/{id}', 'https://example.com/books/1', 'exact'));
    assert.ok(!matches('https://example.com/A', 'https://example.com/a', 'exact'));
    assert.ok(matches('*', 'x', 'exact'));
  });

  test('urlpattern: absolute and relative patterns, hub URL as the base', () => {
    assert.ok(matches('https://example.com/books/:id', 'https://example.com/books/1', 'urlpattern'));
    assert.ok(!matches('https://example.com/books/:id', 'https://example.com/books/1/x', 'urlpattern'));
    assert.ok(matches('https://example.com/users/42/*', 'https://example.com/users/42/books/1', 'urlpattern'));
    assert.ok(matches('/.well-known/mercure/subscriptions/:t', '/.well-known/mercure/subscriptions/x', 'urlpattern'));
    assert.ok(
      matches(
        '/.well-known/mercure/subscriptions/:t',
        'https://hub.example/.well-known/mercure/subscriptions/x',
        'urlpattern',
      ),
    );
    assert.ok(!matches('https://example.com/books/:id', 'not a url', 'urlpattern'));
    assert.ok(matches('*', 'not a url', 'urlpattern'));
  });

  test('urlpattern refuses regexp groups, too many groups and unparsable patterns', () => {
    assert.throws(() => compileSelector('https://example.com/(a+)+$', 'urlpattern', BASE), /regexp groups/);
    assert.throws(() => compileSelector('https://example.com/:id(\\d+)', 'urlpattern', BASE), /regexp groups/);
    const many = `https://example.com/${Array.from({ length: 17 }, (_, i) => `:v${i}`).join('/')}`;
    assert.throws(() => compileSelector(many, 'urlpattern', BASE), /at most 16/);
    assert.throws(() => compileSelector('https://example.com/:', 'urlpattern', BASE), /cannot be parsed/);
  });

  test('a pattern that could backtrack catastrophically is cut off and counts as no match', () => {
    const evil = compileSelector('https://example.com/*a*a*a*a*a*a*b', 'urlpattern', BASE);
    assert.ok(!evil.matches(`https://example.com/${'a'.repeat(300)}`));
    assert.ok(evil.matches('https://example.com/aaaaaab'));
    const twoPerSegment = compileSelector('https://example.com/:a-:b', 'urlpattern', BASE);
    assert.ok(twoPerSegment.matches('https://example.com/x-y'));
  });
});

describe('the hub-wide budget of patterns that can backtrack', () => {
  test('once the budget is spent, such patterns do not match (and are not cached as non-matching) until the next window', () => {
    let now = 0;
    const budget = new MatchBudget(30, 1_000, () => now);
    const evil = compileUrlPattern('https://example.com/*a*a*a*a*a*a*b', BASE, budget);
    const slowTopic = `https://example.com/${'a'.repeat(300)}`;
    // Each slow evaluation runs until its time limit: a few of them spend the window's budget.
    for (let i = 0; i < 20 && budget.remaining() >= 1; i++) assert.equal(evil(slowTopic), false);
    assert.ok(budget.remaining() < 1, 'the budget is spent');
    // A topic that would match is not evaluated now: no match, and null says it was not a result.
    assert.equal(evil('https://example.com/aaaaaab'), null);
    assert.ok(budget.refused >= 1);
    now += 1_000;
    assert.equal(evil('https://example.com/aaaaaab'), true, 'a new window, a new budget');
  });

  test('linear patterns never touch the budget', () => {
    const budget = new MatchBudget(0, 1_000, () => 0);
    const linear = compileUrlPattern('https://example.com/books/:id', BASE, budget);
    assert.equal(linear('https://example.com/books/1'), true);
    assert.equal(budget.refused, 0);
  });
});

describe('selector validation', () => {
  test('empty, too long, or with control or format characters', () => {
    for (const bad of ['', 'a'.repeat(2049), 'a\nb', 'a\u0000', 'a\u0085', 'a\u200bb']) {
      assert.throws(
        () => compileSelector(bad, 'template', BASE),
        (e: unknown) => e instanceof SelectorError && e.code === 'INVALID_SELECTOR',
        JSON.stringify(bad.slice(0, 10)),
      );
    }
  });
});

describe('match caches', () => {
  test('a 0.x selector without an expression is matched by equality and remembers no topics', () => {
    // The soak found one cache per subscriber filled by replays for such selectors (5,000 subscribers on
    // literal topics held hundreds of thousands of entries), though equality needs none.
    const literal = compileSelector('https://example.com/books/1', 'template', BASE);
    for (let i = 0; i < 500; i++) literal.matches(`https://example.com/books/${i}`);
    assert.equal(literal.cachedResults, 0);
    assert.equal(literal.matches('https://example.com/books/1'), true);
    assert.equal(literal.matches('https://example.com/books/2'), false);
    const template = compileSelector('https://example.com/books/{id}', 'template', BASE);
    for (let i = 0; i < 2_000; i++) template.matches(`https://example.com/books/${i}`);
    assert.ok(template.cachedResults > 0 && template.cachedResults <= 1024, `${template.cachedResults} cached`);
    assert.equal(compileSelector('urn:x', 'exact', BASE).cachedResults, 0);
  });

  test('one compiled selector per source, kind and base, shared by every caller, at most MAX_SHARED_SELECTORS kept', () => {
    const pattern = compileSelector('https://example.com/shared/{id}', 'template', BASE);
    assert.equal(compileSelector('https://example.com/shared/{id}', 'template', BASE), pattern);
    assert.notEqual(compileSelector('https://example.com/shared/{id}', 'urlpattern', BASE), pattern);
    assert.notEqual(compileSelector('https://example.com/shared/{id}', 'template', 'https://other.example/'), pattern);
    // Its remembered results serve every subscriber that uses it.
    pattern.matches('https://example.com/shared/1');
    assert.equal(compileSelector('https://example.com/shared/{id}', 'template', BASE).cachedResults, 1);
    for (let i = 0; i < MAX_SHARED_SELECTORS; i++) compileSelector(`urn:filler:${i}`, 'exact', BASE);
    assert.notEqual(compileSelector('https://example.com/shared/{id}', 'template', BASE), pattern, 'cleared when full');
  });
});
