// The one test suite every EventLog must pass (memory, SQLite, Redis): call `eventLogSuite(name, factory)`
// from a test file of the log's package. Real storage only: the SQLite suite runs on a real file, the
// Redis suite on a real Redis.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type EventFields,
  type EventLog,
  EventLogError,
  encodeEntry,
  type LogEntry,
  type LogLimits,
  MAX_EVENT_ID_LENGTH,
} from '@tidings/server';

export interface EventLogFactory {
  /** A new, empty log with these limits (each call: storage of its own). */
  create(limits?: LogLimits): Promise<EventLog>;
  /**
   * For durable logs: closes `log` and opens its storage again, as a restarted process would.
   * Omitted for logs that keep nothing (memory).
   */
  reopen?(log: EventLog): Promise<EventLog>;
  /** For shared logs: another node on the same storage (with the same limits). Omitted otherwise. */
  peer?(log: EventLog): Promise<EventLog>;
}

let counter = 0;
/** Fields of a new event with a unique id; `overrides` replace any of them. */
export function eventFields(overrides: Partial<EventFields> = {}): EventFields {
  counter++;
  return {
    id: `urn:test:${process.pid}:${counter}`,
    topics: ['t'],
    data: `d${counter}`,
    private: false,
    publishedAt: Date.now(),
    ...overrides,
  };
}

/** Resolves the first `count` entries the feed delivers from now on, or rejects after `ms`. */
export function feedEntries(log: EventLog, count: number, ms = 5000): Promise<LogEntry[]> {
  const seen: LogEntry[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`the feed delivered ${seen.length} of ${count} entries in ${ms} ms`));
    }, ms);
    const stop = log.follow((entry) => {
      seen.push(entry);
      if (seen.length === count) {
        clearTimeout(timer);
        stop();
        resolve(seen);
      }
    });
  });
}

const ids = (entries: readonly { id: string }[]) => entries.map((e) => e.id);

async function appendAll(log: EventLog, fields: readonly EventFields[]): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  for (const f of fields) {
    const entry = await log.append(f);
    assert.ok(entry !== null, `append of ${f.id} was refused`);
    out.push(entry);
  }
  return out;
}

function many(n: number, overrides: Partial<EventFields> = {}): EventFields[] {
  return Array.from({ length: n }, () => eventFields(overrides));
}

/** Reads every kept entry, page by page from the last position read. */
async function readAll(log: EventLog, after = 0, limit = 7): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  for (let cursor = after; ; ) {
    const page = await log.read(cursor, limit);
    out.push(...page.entries);
    if (page.entries.length < limit) return out;
    cursor = page.entries.at(-1)!.position;
  }
}

export function eventLogSuite(name: string, factory: EventLogFactory): void {
  describe(`event log: ${name}`, () => {
    async function withLog(limits: LogLimits | undefined, fn: (log: EventLog) => Promise<void>) {
      const log = await factory.create(limits);
      try {
        await fn(log);
      } finally {
        await log.close();
      }
    }

    test('append stores every field and answers increasing positions and the encoded size', () =>
      withLog(undefined, async (log) => {
        const a = eventFields({ event: 'kind', retry: 1500, private: true, topics: ['x', 'y'], data: 'line1\nline2' });
        const b = eventFields({ topics: [], data: '' });
        const [ea, eb] = await appendAll(log, [a, b]);
        assert.deepEqual({ ...ea!, position: 0, size: 0 }, { ...a, position: 0, size: 0 });
        assert.equal(ea!.size, encodeEntry(a).byteLength);
        assert.ok(Number.isSafeInteger(ea!.position) && ea!.position >= 1);
        assert.ok(eb!.position > ea!.position);
        const page = await log.read(0, 10);
        assert.deepEqual(page.entries, [ea, eb]);
        assert.equal(page.gap, false);
      }));

    test('text survives as written: non-ASCII ids, data and topics, and the longest id allowed', () =>
      withLog(undefined, async (log) => {
        const fields = eventFields({
          id: 'ünïcødé-€-𝄞',
          data: 'ça va\n日本語 🎉',
          topics: ['https://example.com/ü/𝄞'],
        });
        const long = eventFields({ id: 'x'.repeat(MAX_EVENT_ID_LENGTH) });
        await appendAll(log, [fields, long]);
        const [e1, e2] = (await log.read(0, 10)).entries;
        assert.equal(e1!.id, fields.id);
        assert.equal(e1!.data, fields.data);
        assert.deepEqual(e1!.topics, fields.topics);
        assert.equal(e2!.id, long.id);
        assert.equal(await log.lookup(fields.id), e1!.position);
      }));

    test('a duplicate id is refused and nothing is stored', () =>
      withLog(undefined, async (log) => {
        const a = eventFields();
        assert.ok(await log.append(a));
        assert.equal(await log.append({ ...a, data: 'other' }), null);
        const { entries } = await log.read(0, 10);
        assert.deepEqual(ids(entries), [a.id]);
        assert.equal(entries[0]!.data, a.data);
      }));

    test('concurrent appends of one id: exactly one is stored', () =>
      withLog(undefined, async (log) => {
        const fields = eventFields();
        const others = factory.peer ? [await factory.peer(log)] : [];
        try {
          const logs = [log, ...others];
          const results = await Promise.all(
            Array.from({ length: 20 }, (_, i) => logs[i % logs.length]!.append({ ...fields, data: String(i) })),
          );
          assert.equal(results.filter((r) => r !== null).length, 1);
          assert.equal((await log.read(0, 100)).entries.length, 1);
        } finally {
          for (const other of others) await other.close();
        }
      }));

    test('read pages continue from the last position read; lookup, earliest and latest agree', () =>
      withLog(undefined, async (log) => {
        const stored = await appendAll(log, many(20));
        assert.deepEqual(ids(await readAll(log)), ids(stored));
        assert.deepEqual(ids(await readAll(log, stored[9]!.position)), ids(stored.slice(10)));
        assert.deepEqual((await log.read(stored.at(-1)!.position, 5)).entries, []);
        assert.equal((await log.read(0, 3)).entries.length, 3);
        assert.equal(await log.lookup(stored[4]!.id), stored[4]!.position);
        assert.equal(await log.lookup('urn:never'), null);
        assert.deepEqual(await log.earliest(), { position: stored[0]!.position, id: stored[0]!.id });
        assert.deepEqual(await log.latest(), { position: stored[19]!.position, id: stored[19]!.id });
      }));

    test('an empty log reads nothing, and has no earliest or latest', () =>
      withLog(undefined, async (log) => {
        assert.deepEqual(await log.read(0, 10), { entries: [], gap: false });
        assert.equal(await log.earliest(), null);
        assert.equal(await log.latest(), null);
      }));

    test('the feed delivers every append once, in position order', () =>
      withLog(undefined, async (log) => {
        const delivered = feedEntries(log, 30);
        const stored = await Promise.all(many(30).map((f) => log.append(f)));
        const got = await delivered;
        assert.deepEqual(
          got.map((e) => e.position),
          stored.map((e) => e!.position).sort((a, b) => a - b),
        );
        assert.deepEqual(ids(got), ids(got.slice().sort((a, b) => a.position - b.position)));
        // A stopped listener gets nothing more.
        let late = 0;
        const stop = log.follow(() => late++);
        stop();
        await log.append(eventFields());
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(late, 0);
      }));

    test('trim by count keeps the newest; reads after trimmed positions report the gap', () =>
      withLog({ maxCount: 3 }, async (log) => {
        const stored = await appendAll(log, many(6));
        await log.trim();
        const kept = await log.read(0, 10);
        assert.deepEqual(ids(kept.entries), ids(stored.slice(3)));
        assert.equal(kept.gap, true, 'read from 0 after trimming: entries were lost');
        assert.equal(await log.lookup(stored[0]!.id), null);
        const fromTrimmed = await log.read(stored[1]!.position, 10);
        assert.deepEqual(ids(fromTrimmed.entries), ids(stored.slice(3)));
        assert.equal(fromTrimmed.gap, true);
        const fromKept = await log.read(stored[3]!.position, 10);
        assert.equal(fromKept.gap, false);
        assert.deepEqual(await log.earliest(), { position: stored[3]!.position, id: stored[3]!.id });
        // A trimmed id may be used again.
        assert.ok(await log.append({ ...stored[0]!, publishedAt: Date.now() }));
      }));

    test('a trim during a paged read is reported on the next page (never skipped silently)', () =>
      withLog({ maxCount: 10 }, async (log) => {
        await appendAll(log, many(10));
        const page = await log.read(0, 2);
        assert.equal(page.gap, false);
        await appendAll(log, many(10));
        await log.trim();
        const next = await log.read(page.entries.at(-1)!.position, 2);
        assert.equal(next.gap, true);
      }));

    test('trim by bytes keeps the total under maxBytes', () =>
      withLog({ maxBytes: 2000 }, async (log) => {
        const stored = await appendAll(log, many(10, { data: 'x'.repeat(400) }));
        await log.trim();
        const kept = (await log.read(0, 100)).entries;
        const total = kept.reduce((sum, e) => sum + e.size, 0);
        assert.ok(total <= 2000, `kept ${total} bytes`);
        assert.ok(kept.length >= 3, `kept ${kept.length} entries`);
        assert.deepEqual(ids(kept), ids(stored.slice(stored.length - kept.length)));
      }));

    test('trim by age drops old entries but keeps the newest', () =>
      withLog({ maxAge: 60_000 }, async (log) => {
        const old = Date.now() - 120_000;
        const stored = await appendAll(log, [...many(3, { publishedAt: old }), ...many(2, { publishedAt: old })]);
        await log.trim();
        assert.deepEqual(ids((await log.read(0, 10)).entries), [stored[4]!.id]);
        const fresh = await appendAll(log, many(2));
        await log.trim();
        assert.deepEqual(ids((await log.read(0, 10)).entries), ids(fresh));
      }));

    test('maxCount 0 keeps nothing, but the feed still delivers', () =>
      withLog({ maxCount: 0 }, async (log) => {
        const delivered = feedEntries(log, 2);
        await appendAll(log, many(2));
        assert.equal((await delivered).length, 2);
        await log.trim();
        assert.equal((await log.read(0, 10)).entries.length, 0);
        assert.equal(await log.latest(), null);
      }));

    test('bad input is refused with a clear error', () =>
      withLog(undefined, async (log) => {
        const invalid = { code: 'INVALID_EVENT' };
        await assert.rejects(log.append(eventFields({ id: '' })), invalid);
        await assert.rejects(log.append(eventFields({ id: 'a\nb' })), invalid);
        await assert.rejects(log.append(eventFields({ id: 'x'.repeat(MAX_EVENT_ID_LENGTH + 1) })), invalid);
        await assert.rejects(log.append(eventFields({ event: 'a\rb' })), invalid);
        await assert.rejects(log.append(eventFields({ data: 5 as unknown as string })), invalid);
        await assert.rejects(() => log.read(-1, 10), TypeError);
        await assert.rejects(() => log.read(0, 0), TypeError);
        assert.equal((await log.read(0, 10)).entries.length, 0);
      }));

    test('health is up while working; a closed log refuses work', async () => {
      const log = await factory.create();
      assert.equal(log.health().state, 'up');
      await log.close();
      const closed = (error: unknown) => error instanceof EventLogError && error.code === 'LOG_CLOSED';
      await assert.rejects(log.append(eventFields()), closed);
      await assert.rejects(log.read(0, 1), closed);
      await log.close(); // a second close is harmless
    });

    test('thousands of appends and trims keep order, positions and lookups right', () =>
      withLog({ maxCount: 500 }, async (log) => {
        const stored = await appendAll(log, many(2000));
        await log.trim();
        const kept = await readAll(log, 0, 128);
        assert.deepEqual(ids(kept), ids(stored.slice(1500)));
        for (let i = 1; i < kept.length; i++) assert.ok(kept[i]!.position > kept[i - 1]!.position);
        assert.equal(await log.lookup(stored[1499]!.id), null);
        assert.equal(await log.lookup(stored[1500]!.id), stored[1500]!.position);
      }));

    if (factory.reopen !== undefined) {
      const reopen = factory.reopen;
      /** Runs `fn` on a log and the same storage reopened, closing whichever is open at the end. */
      async function acrossRestart(
        limits: LogLimits | undefined,
        before: (log: EventLog) => Promise<void>,
        after: (log: EventLog) => Promise<void>,
      ) {
        let log = await factory.create(limits);
        try {
          await before(log);
          log = await reopen(log);
          await after(log);
        } finally {
          await log.close();
        }
      }

      test('after a restart: every entry is there, ids stay unique, positions keep increasing', async () => {
        let stored: LogEntry[] = [];
        await acrossRestart(
          undefined,
          async (log) => {
            stored = await appendAll(log, many(5));
          },
          async (log) => {
            assert.deepEqual((await log.read(0, 10)).entries, stored);
            assert.equal(await log.append(eventFields({ id: stored[2]!.id })), null);
            const next = await log.append(eventFields());
            assert.ok(next!.position > stored[4]!.position);
            assert.equal(await log.lookup(stored[0]!.id), stored[0]!.position);
          },
        );
      });

      test('after a restart: a gap is still reported, and positions of trimmed entries are never reused', async () => {
        let last = 0;
        await acrossRestart(
          { maxCount: 0 },
          async (log) => {
            const stored = await appendAll(log, many(3));
            await log.trim();
            last = stored.at(-1)!.position;
          },
          async (log) => {
            assert.equal((await log.read(0, 10)).gap, true);
            const next = await log.append(eventFields());
            assert.ok(next!.position > last, `position ${next!.position} after ${last}`);
          },
        );
      });
    }

    if (factory.peer !== undefined) {
      const peer = factory.peer;
      test('two nodes: each feed delivers every append of both, in one order', () =>
        withLog(undefined, async (log) => {
          const other = await peer(log);
          try {
            const onFirst = feedEntries(log, 40);
            const onOther = feedEntries(other, 40);
            await Promise.all(many(40).map((f, i) => (i % 2 ? other : log).append(f)));
            const [a, b] = await Promise.all([onFirst, onOther]);
            assert.deepEqual(ids(a), ids(b));
            assert.deepEqual(ids(a), ids((await log.read(0, 100)).entries));
          } finally {
            await other.close();
          }
        }));
    }
  });
}
