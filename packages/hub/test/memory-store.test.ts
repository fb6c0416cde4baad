import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryHistoryStore } from '@tidings/hub';
import { historyStoreSuite, makeUpdate } from './history-store-suite.ts';

historyStoreSuite('memory', () => new MemoryHistoryStore());

test('memory store: size follows appends and trims; limit must be positive', async () => {
  const store = new MemoryHistoryStore();
  for (let i = 0; i < 3; i++) await store.append(makeUpdate());
  assert.equal(store.size, 3);
  await store.trim({ maxCount: 1 });
  assert.equal(store.size, 1);
  await assert.rejects(store.readAfter(null, { limit: 0 }), TypeError);
});
