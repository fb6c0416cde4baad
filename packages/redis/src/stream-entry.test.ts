import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeStreamEntry, positionOf, sameEvent, streamFields } from './stream-entry.js';

test('stream entry: every field comes back as stored, optional ones only when given', () => {
  const full = {
    id: 'ü-1',
    topics: ['a', 'b/𝄞'],
    data: 'x\ny',
    event: 'kind',
    retry: 0,
    private: true,
    publishedAt: 1.5,
  };
  const plain = { id: '2', topics: [], data: '', private: false, publishedAt: 1_700_000_000_000 };
  assert.deepEqual(decodeStreamEntry(['7-0', streamFields(full, 42)]), { ...full, position: 7, size: 42 });
  const decoded = decodeStreamEntry(['8-0', streamFields(plain, 9)]);
  assert.deepEqual(decoded, { ...plain, position: 8, size: 9 });
  assert.ok(!('event' in decoded) && !('retry' in decoded));
  assert.ok(sameEvent(decoded, plain));
  assert.ok(!sameEvent(decoded, { ...plain, data: 'other' }));
  // id, size and publishedAt lead: the trimming script scans the fields for them.
  assert.deepEqual(streamFields(plain, 9).slice(0, 6), ['id', '2', 'size', '9', 'publishedAt', '1700000000000']);
});

test('stream entry: what this log did not write is refused', () => {
  assert.throws(() => decodeStreamEntry(['1-0', ['data', 'x']]), /malformed/);
  assert.throws(() => decodeStreamEntry('nope'), /malformed/);
  assert.throws(() => positionOf('0-0'), /malformed/);
  assert.equal(positionOf('9007199254740991-0'), Number.MAX_SAFE_INTEGER);
});
