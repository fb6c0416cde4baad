// The one test suite every HistoryStore implementation must pass (memory now; SQLite and Redis later):
// call `historyStoreSuite(name, createStore)` from a test file.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type HistoryStore, StoreError, type Update } from '@tidings/hub';

let counter = 0;
export function makeUpdate(fields: Partial<Update> = {}): Update {
  counter++;
  return {
    id: `urn:test:${counter}`,
    topics: ['t'],
    data: `d${counter}`,
    private: false,
    publishedAt: Date.now(),
    ...fields,
  };
}

const ids = (updates: readonly Update[]) => updates.map((u) => u.id);

export function historyStoreSuite(name: string, createStore: () => Promise<HistoryStore> | HistoryStore): void {
  describe(`history store: ${name}`, () => {
    async function withStore(fn: (store: HistoryStore) => Promise<void>) {
      const store = await createStore();
      try {
        await fn(store);
      } finally {
        await store.close();
      }
    }

    test('reads after an id, in append order, with every field intact', () =>
      withStore(async (store) => {
        const a = makeUpdate({ type: 'kind', retry: 1500, private: true, topics: ['x', 'y'], data: 'line1\nline2' });
        const b = makeUpdate();
        const c = makeUpdate();
        for (const u of [a, b, c]) assert.equal(await store.append(u), true);
        assert.deepEqual(await store.readAfter(a.id, { limit: 10 }), { found: true, updates: [b, c] });
        assert.deepEqual(await store.readAfter(c.id, { limit: 10 }), { found: true, updates: [] });
        const all = await store.readAfter(null, { limit: 10 });
        assert.equal(all.found, false);
        assert.deepEqual(all.updates, [a, b, c]);
      }));

    test('an unknown id reads from the start and says it was not found', () =>
      withStore(async (store) => {
        const a = makeUpdate();
        await store.append(a);
        assert.deepEqual(await store.readAfter('urn:unknown', { limit: 10 }), { found: false, updates: [a] });
      }));

    test('the filter applies before the limit', () =>
      withStore(async (store) => {
        const updates = Array.from({ length: 10 }, (_, i) => makeUpdate({ topics: [i % 2 ? 'odd' : 'even'] }));
        for (const u of updates) await store.append(u);
        const odd = await store.readAfter(null, { limit: 3, filter: (u) => u.topics[0] === 'odd' });
        assert.deepEqual(ids(odd.updates), ids([updates[1]!, updates[3]!, updates[5]!]));
        const next = await store.readAfter(odd.updates[2]!.id, { limit: 3, filter: (u) => u.topics[0] === 'odd' });
        assert.deepEqual(ids(next.updates), ids([updates[7]!, updates[9]!]));
      }));

    test('a duplicate id is refused atomically and stores nothing', () =>
      withStore(async (store) => {
        const a = makeUpdate({ id: 'dup' });
        assert.equal(await store.append(a), true);
        const results = await Promise.all([
          store.append(makeUpdate({ id: 'dup' })),
          store.append(makeUpdate({ id: 'dup' })),
        ]);
        assert.deepEqual(results, [false, false]);
        assert.deepEqual((await store.readAfter(null, { limit: 10 })).updates, [a]);
      }));

    test('trim by count keeps the newest; trimmed ids are no longer found', () =>
      withStore(async (store) => {
        const updates = Array.from({ length: 5 }, () => makeUpdate());
        for (const u of updates) await store.append(u);
        assert.equal(await store.trim({ maxCount: 2 }), 3);
        assert.deepEqual(ids((await store.readAfter(null, { limit: 10 })).updates), ids(updates.slice(3)));
        assert.equal((await store.readAfter(updates[0]!.id, { limit: 10 })).found, false);
        assert.equal((await store.readAfter(updates[3]!.id, { limit: 10 })).found, true);
        // A trimmed id may be used again.
        assert.equal(await store.append(makeUpdate({ id: updates[0]!.id })), true);
      }));

    test('trim by age removes updates published at or before the cut-off', () =>
      withStore(async (store) => {
        const old = makeUpdate({ publishedAt: 1000 });
        const edge = makeUpdate({ publishedAt: 2000 });
        const fresh = makeUpdate({ publishedAt: 3000 });
        for (const u of [old, edge, fresh]) await store.append(u);
        assert.equal(await store.trim({ olderThan: 2000 }), 2);
        assert.deepEqual((await store.readAfter(null, { limit: 10 })).updates, [fresh]);
      }));

    test('many appends and trims keep order and positions right', () =>
      withStore(async (store) => {
        const kept: Update[] = [];
        for (let i = 0; i < 5000; i++) {
          const u = makeUpdate();
          await store.append(u);
          kept.push(u);
          if (i % 7 === 0) await store.trim({ maxCount: 100 });
        }
        await store.trim({ maxCount: 100 });
        const tail = kept.slice(-100);
        assert.deepEqual(ids((await store.readAfter(null, { limit: 1000 })).updates), ids(tail));
        assert.deepEqual(ids((await store.readAfter(tail[49]!.id, { limit: 1000 })).updates), ids(tail.slice(50)));
      }));

    test('a closed store refuses work with StoreError CLOSED', async () => {
      const store = await createStore();
      await store.close();
      await assert.rejects(store.append(makeUpdate()), (e: unknown) => e instanceof StoreError && e.code === 'CLOSED');
      await assert.rejects(store.readAfter(null, { limit: 1 }), StoreError);
    });
  });
}
