import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_PREFIX,
  MAX_PREFIX_LENGTH,
  RECENT_ENTRIES_MAX_BYTES,
  RECENT_ENTRIES_MAX_COUNT,
} from './limits.js';
import { redactUrl, resolveRedisLogOptions } from './redis-log-options.js';

const SECRET = 's3cret-pa55';

function refused(options: unknown, pattern: RegExp): void {
  assert.throws(
    () => resolveRedisLogOptions(options as never),
    (error: unknown) => {
      assert.ok(error instanceof TypeError);
      assert.match(error.message, pattern);
      assert.ok(!error.message.includes(SECRET), `the message shows the password: ${error.message}`);
      return true;
    },
  );
}

test('options: defaults are filled in', () => {
  const resolved = resolveRedisLogOptions({ url: 'redis://127.0.0.1:6379' });
  assert.equal(resolved.prefix, DEFAULT_PREFIX);
  assert.equal(resolved.connectTimeout, DEFAULT_CONNECT_TIMEOUT_MS);
  assert.equal(resolved.commandTimeout, DEFAULT_COMMAND_TIMEOUT_MS);
  assert.deepEqual(resolved.limits, { maxCount: 10_000, maxBytes: 64 * 1024 * 1024, maxAge: null });
  assert.deepEqual(resolved.recentEntries, { maxCount: RECENT_ENTRIES_MAX_COUNT, maxBytes: RECENT_ENTRIES_MAX_BYTES });
  for (const url of [`redis://:${SECRET}@h:1/2`, `rediss://user:${SECRET}@h`, 'redis://[::1]:6379/0']) {
    assert.equal(resolveRedisLogOptions({ url }).url, url);
  }
});

test('options: bad values are a TypeError that says how to fix them, and never shows a password', () => {
  refused(undefined, /needs options such as \{ url:/);
  refused({}, /url is required/);
  refused({ url: `${SECRET}` }, /not a URL/);
  refused({ url: `redis://:${SECRET}@host:99999999` }, /not a URL/);
  refused({ url: `http://:${SECRET}@host` }, /must start with redis:\/\/ or rediss:\/\/, got http:\/\//);
  refused({ url: `redis://:${SECRET}@host/db` }, /database number only .*got redis:\/\/host\/db/);
  refused({ url: `redis://:${SECRET}@host?password=${SECRET}` }, /query or fragment/);
  refused({ url: 'redis://h', prefix: 5 }, /prefix must be a string/);
  refused({ url: 'redis://h', prefix: 'p'.repeat(MAX_PREFIX_LENGTH + 1) }, new RegExp(`at most ${MAX_PREFIX_LENGTH}`));
  refused({ url: 'redis://h', connectTimeout: 0 }, /connectTimeout must be a whole number of milliseconds >= 1/);
  refused({ url: 'redis://h', commandTimeout: 1.5 }, /commandTimeout must be a whole number of milliseconds >= 1/);
  refused({ url: 'redis://h', limits: { maxCount: -1 } }, /limits.maxCount must be a whole number of entries >= 0/);
});

test('options: the window of recent entries is never larger than the limits; null keeps none', () => {
  const url = 'redis://h';
  assert.deepEqual(resolveRedisLogOptions({ url, limits: { maxCount: 50, maxBytes: 4096 } }).recentEntries, {
    maxCount: 50,
    maxBytes: 4096,
  });
  assert.deepEqual(resolveRedisLogOptions({ url, recentEntries: { maxCount: 7 } }).recentEntries, {
    maxCount: 7,
    maxBytes: RECENT_ENTRIES_MAX_BYTES,
  });
  assert.deepEqual(resolveRedisLogOptions({ url, recentEntries: null }).recentEntries, { maxCount: 0, maxBytes: 0 });
  refused({ url, recentEntries: 5 }, /recentEntries must be \{ maxCount, maxBytes \}, null/);
  refused({ url, recentEntries: { maxCount: -1 } }, /recentEntries.maxCount must be a whole number >= 0/);
  refused({ url, recentEntries: { maxBytes: 1.5 } }, /recentEntries.maxBytes must be a whole number >= 0/);
});

test('redactUrl drops the user and password', () => {
  assert.equal(redactUrl(`redis://user:${SECRET}@cache.internal:6380/3`), 'redis://cache.internal:6380/3');
  assert.equal(redactUrl(SECRET), 'a string that is not a URL');
});
