import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TokenError } from '@tidings/hub';
import {
  canPublish,
  canReceivePrivate,
  grantsFromClaims,
  MERCURE_DETAIL_TYPE,
  NO_GRANTS,
} from '../src/auth/authorization.ts';

const BASE = 'https://hub.example/.well-known/mercure';
const grants = (claims: Record<string, unknown>) => grantsFromClaims(claims, BASE);
const invalid = (claims: Record<string, unknown>) =>
  assert.throws(
    () => grants(claims),
    (e: unknown) => e instanceof TokenError && e.code === 'INVALID_CLAIMS',
    JSON.stringify(claims),
  );

describe('authorization: Mercure 0.x claims', () => {
  test('publish needs every topic matched; * allows all', () => {
    const g = grants({ mercure: { publish: ['https://example.com/books/{id}', 'foo'] } });
    assert.ok(canPublish(g, ['https://example.com/books/1']));
    assert.ok(canPublish(g, ['https://example.com/books/1', 'foo']));
    assert.ok(!canPublish(g, ['https://example.com/books/1', 'bar']), 'one topic not allowed refuses the update');
    assert.ok(canPublish(grants({ mercure: { publish: ['*'] } }), ['anything', 'else']));
  });

  test('no publish claim, or an empty one, allows nothing', () => {
    assert.ok(!canPublish(grants({}), ['a']));
    assert.ok(!canPublish(grants({ mercure: { publish: [] } }), ['a']));
    assert.ok(!canPublish(grants({ mercure: { subscribe: ['*'] } }), ['a']));
    assert.ok(!canPublish(NO_GRANTS, ['a']));
  });

  test('private updates need one topic (canonical or alternate) matched by a subscribe selector', () => {
    const g = grants({ mercure: { subscribe: ['https://example.com/users/foo/{?topic}'], payload: { user: 1 } } });
    const alternate = 'https://example.com/users/foo/?topic=https%3A%2F%2Fexample.com%2Fbooks%2F1';
    assert.ok(canReceivePrivate(g, ['https://example.com/books/1', alternate]));
    assert.ok(!canReceivePrivate(g, ['https://example.com/books/1']));
    assert.deepEqual(g.payload, { user: 1 });
    assert.ok(!canReceivePrivate(NO_GRANTS, ['https://example.com/books/1']));
  });

  test('claims with the wrong shape invalidate the token', () => {
    invalid({ mercure: 'yes' });
    invalid({ mercure: { publish: '*' } });
    invalid({ mercure: { subscribe: [1] } });
    invalid({ mercure: { publish: [''] } });
    invalid({ mercure: { publish: Array.from({ length: 1001 }, (_, i) => `t${i}`) } });
  });
});

describe('authorization: draft-08 authorization_details', () => {
  const detail = (extra: Record<string, unknown>) => ({ type: MERCURE_DETAIL_TYPE, ...extra });

  test('publish and subscribe grants with exact (default) and urlpattern matchers', () => {
    const g = grants({
      authorization_details: [
        detail({ actions: ['publish'], topics: [{ match: 'https://example.com/books/1' }] }),
        detail({
          actions: ['subscribe', 'some-future-action'],
          topics: [{ match: 'https://example.com/users/42/*', match_type: 'urlpattern' }],
          payload: { tenant: 't' },
        }),
        { type: 'https://other.example/detail', anything: true },
      ],
    });
    assert.ok(canPublish(g, ['https://example.com/books/1']));
    assert.ok(!canPublish(g, ['https://example.com/books/2']));
    assert.ok(canReceivePrivate(g, ['https://example.com/books/1', 'https://example.com/users/42/books/1']));
    assert.ok(!canReceivePrivate(g, ['https://example.com/books/1']));
    assert.deepEqual(g.payload, { tenant: 't' });
  });

  test('the wildcard works without match_type; exact is exact', () => {
    const g = grants({ authorization_details: [detail({ actions: ['publish'], topics: [{ match: '*' }] })] });
    assert.ok(canPublish(g, ['x']));
    const exact = grants({
      authorization_details: [detail({ actions: ['publish'], topics: [{ match: 'https://e.com/{id}' }] })],
    });
    assert.ok(!canPublish(exact, ['https://e.com/1']));
  });

  test('0.x and draft-08 grants add up', () => {
    const g = grants({
      mercure: { publish: ['a'] },
      authorization_details: [detail({ actions: ['publish'], topics: [{ match: 'b' }] })],
    });
    assert.ok(canPublish(g, ['a', 'b']));
  });

  test('a malformed Mercure detail invalidates the whole token', () => {
    invalid({ authorization_details: {} });
    invalid({ authorization_details: ['x'] });
    invalid({ authorization_details: [detail({ actions: [], topics: [{ match: 'a' }] })] });
    invalid({ authorization_details: [detail({ actions: ['publish', 3], topics: [{ match: 'a' }] })] });
    invalid({ authorization_details: [detail({ actions: ['publish'], topics: [] })] });
    invalid({ authorization_details: [detail({ actions: ['publish'], topics: ['a'] })] });
    invalid({
      authorization_details: [detail({ actions: ['publish'], topics: [{ match: 'a', match_type: 'regex' }] })],
    });
    invalid({
      authorization_details: [
        detail({ actions: ['publish'], topics: [{ match: 'https://x/(a+)+', match_type: 'urlpattern' }] }),
      ],
    });
    invalid({ authorization_details: [detail({ actions: ['subscribe'], topics: [{ match: 'a' }], payload: 'x' })] });
  });
});
