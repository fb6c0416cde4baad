import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkPublisherId, generateEventId } from '../src/log/event-id.ts';

test('generated ids are unique urn:uuid IRIs', () => {
  const ids = new Set(Array.from({ length: 1000 }, generateEventId));
  assert.equal(ids.size, 1000);
  for (const id of ids)
    assert.match(id, /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('publisher ids: reserved and unsafe values are refused with a reason', () => {
  assert.equal(checkPublisherId('urn:my:1'), null);
  assert.equal(checkPublisherId('42'), null);
  assert.match(checkPublisherId('#1') ?? '', /"#"/);
  assert.match(checkPublisherId('earliest') ?? '', /earliest/);
  assert.match(checkPublisherId('') ?? '', /empty/);
  for (const bad of ['a\nb', 'a\rb', 'a\0b', 'a\u0085', 'a\u200eb'])
    assert.match(checkPublisherId(bad) ?? '', /control/);
  assert.match(checkPublisherId('x'.repeat(2049)) ?? '', /at most/);
});
