// The history limits (`history: { size, maxBytes, maxAge }` of createChannel and createHub) and an event
// log's own limits (`{ maxCount, maxBytes, maxAge }`) go through one set of checks (src/log-limits.ts):
// the same rules and messages, each naming the option its caller passed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { historyLimits, resolveLogLimits } from '@tidings/server';

const DEFAULTS = { maxCount: 7, maxBytes: 700, maxAge: 70_000 };

test('history limits: defaults for what is left out, size becomes maxCount, maxAge null is no age limit', () => {
  assert.deepEqual(historyLimits(undefined, DEFAULTS), DEFAULTS);
  assert.deepEqual(historyLimits({}, DEFAULTS), DEFAULTS);
  assert.deepEqual(historyLimits({ size: 3, maxBytes: 10, maxAge: null }, DEFAULTS), {
    maxCount: 3,
    maxBytes: 10,
    maxAge: null,
  });
  assert.deepEqual(historyLimits({ maxAge: 1 }, DEFAULTS), { ...DEFAULTS, maxAge: 1 });
});

test('log limits: the log defaults for what is left out, maxCount 0 keeps nothing', () => {
  const defaults = resolveLogLimits(undefined);
  assert.equal(defaults.maxAge, null);
  assert.ok(defaults.maxCount > 0 && defaults.maxBytes > 0);
  assert.deepEqual(resolveLogLimits({ maxCount: 0, maxBytes: 1, maxAge: 5 }), { maxCount: 0, maxBytes: 1, maxAge: 5 });
});

test('a bad history limit names the history option, with its unit and how to fix it', () => {
  const refused = (history: unknown, message: RegExp, name?: string) =>
    assert.throws(() => historyLimits(history as never, DEFAULTS, name), { name: 'TypeError', message });
  refused(
    { size: 0 },
    /^history.size must be a whole number of events >= 1 \(to keep no history, pass history: null\), got 0$/,
  );
  refused({ size: 1.5 }, /^history.size must be .* got 1.5$/);
  refused({ maxBytes: 0 }, /^history.maxBytes must be a whole number of bytes >= 1, got 0$/);
  refused(
    { maxAge: 0 },
    /^history.maxAge must be a whole number of milliseconds >= 1 \(or null for no age limit\), got 0$/,
  );
  refused({ maxAge: '5' }, /^history.maxAge must be .* got 5$/);
  refused(5, /^history must be an object such as \{ size: 1000, maxAge: 300000 \}, or null to keep none$/);
  refused({ size: -1 }, /^demo.history.size must be .* pass demo.history: null\), got -1$/, 'demo.history');
});

test('a bad log limit names the limits option, with the same rules and wording', () => {
  const refused = (limits: unknown, message: RegExp, name?: string) =>
    assert.throws(() => resolveLogLimits(limits as never, name), { name: 'TypeError', message });
  refused({ maxCount: -1 }, /^limits.maxCount must be a whole number of entries >= 0, got -1$/);
  refused({ maxBytes: 0 }, /^limits.maxBytes must be a whole number of bytes >= 1, got 0$/);
  refused(
    { maxAge: 1.5 },
    /^limits.maxAge must be a whole number of milliseconds >= 1 \(or null for no age limit\), got 1.5$/,
  );
  refused(null, /^limits must be an object such as \{ maxCount: 10000, maxBytes: 67108864, maxAge: null \}$/);
  refused({ maxBytes: Number.NaN }, /^store.maxBytes must be .* got NaN$/, 'store');
});
