// The window's rules one by one, without Redis: the order of feed deliveries and append replies that the
// integration tests (test/recent-entries.test.ts) cannot force.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogEntry } from '@tidings/server';
import { FeedWindow } from './feed-window.js';

function entry(position: number, overrides: Partial<LogEntry> = {}): LogEntry {
  return {
    position,
    id: `e${position}`,
    topics: ['t'],
    data: 'd',
    private: false,
    publishedAt: 1000,
    size: 10,
    ...overrides,
  };
}

const positions = (entries: readonly LogEntry[] | null) => entries?.map((e) => e.position) ?? null;

/** A window fed positions from..to, and the objects it was fed. */
function fedWindow(from: number, to: number, maxCount = 100): { window: FeedWindow; fed: LogEntry[] } {
  const window = new FeedWindow(maxCount, 1_000_000);
  const fed: LogEntry[] = [];
  for (let p = from; p <= to; p++) fed.push(entry(p));
  for (const e of fed) assert.equal(window.fed(e), e);
  return { window, fed };
}

test('reads inside the window return its objects; outside it, null (Redis answers)', () => {
  const { window, fed } = fedWindow(5, 9);
  assert.deepEqual(positions(window.read(4, 10, null)), [5, 6, 7, 8, 9]);
  assert.equal(window.read(4, 10, null)![0], fed[0]);
  assert.deepEqual(positions(window.read(6, 2, null)), [7, 8]);
  assert.deepEqual(window.read(9, 10, null), [], 'at its newest: nothing more (the feed brings the rest)');
  assert.equal(window.read(3, 10, null), null, 'does not reach back to 4');
  assert.equal(window.read(0, 10, null), null);
  assert.equal(window.read(10, 10, null), null, 'past its newest: Redis knows of later entries');
});

test('a hole in the feed starts the window again from the entry after it', () => {
  const { window } = fedWindow(1, 5);
  window.fed(entry(8));
  assert.equal(window.size, 1);
  assert.equal(window.read(4, 10, null), null);
  assert.deepEqual(positions(window.read(7, 10, null)), [8]);
  window.lost();
  assert.equal(window.size, 0);
  assert.equal(window.read(7, 10, null), null);
});

test("this node's append enters when it is the next position; the feed then hands on the window's object", () => {
  const { window } = fedWindow(1, 3);
  const own = entry(4);
  window.appended(own, 3);
  const decoded = entry(4);
  assert.equal(window.fed(decoded), own, 'the feed delivers the object the window holds');
  assert.deepEqual(positions(window.read(0, 10, null)), [1, 2, 3, 4]);
  // Not the next (another node's 5 has not come through the feed yet): left for the feed.
  window.appended(entry(6), 4);
  assert.equal(window.size, 4);
  window.fed(entry(5));
  const six = entry(6);
  assert.equal(window.fed(six), six);
  assert.deepEqual(positions(window.read(0, 10, null)), [1, 2, 3, 4, 5, 6]);
});

test('an empty window takes an append only right after the feed: it never ends before what the feed delivered', () => {
  const window = new FeedWindow(100, 1_000_000);
  // The feed delivered up to 7; an append answered 7 (late) or 9 (8 not fed yet) must not start it.
  window.appended(entry(7), 7);
  window.appended(entry(9), 7);
  assert.equal(window.size, 0);
  window.appended(entry(8), 7);
  assert.deepEqual(positions(window.read(7, 10, null)), [8]);
});

test('what Redis trimmed leaves, and nothing at or below it enters again', () => {
  const { window } = fedWindow(1, 10);
  window.trimmedThrough(4);
  assert.equal(window.read(0, 10, null), null);
  assert.deepEqual(positions(window.read(4, 10, null)), [5, 6, 7, 8, 9, 10]);
  window.trimmedThrough(3); // a late, older answer changes nothing
  window.trimmedThrough(Number.NaN);
  assert.equal(window.size, 6);
  window.trimmedThrough(10);
  assert.equal(window.size, 0);
  window.fed(entry(10));
  assert.equal(window.size, 0, 'a trimmed entry the feed still delivers (the slack) stays out');
  window.fed(entry(11));
  assert.deepEqual(positions(window.read(10, 10, null)), [11]);
});

test('the bounds drop the oldest; maxCount 0 keeps nothing', () => {
  const { window } = fedWindow(1, 10, 3);
  assert.deepEqual(positions(window.read(7, 10, null)), [8, 9, 10]);
  assert.equal(window.read(6, 10, null), null);
  const none = new FeedWindow(0, 0);
  none.fed(entry(1));
  none.appended(entry(2), 1);
  assert.equal(none.size, 0);
  assert.equal(none.read(0, 10, null), null);
});

test('an entry past the age cutoff is not served: Redis says whether it is still kept', () => {
  const window = new FeedWindow(100, 1_000_000);
  window.fed(entry(1, { publishedAt: 100 }));
  window.fed(entry(2, { publishedAt: 5000 }));
  assert.equal(window.read(0, 10, 1000), null);
  assert.deepEqual(positions(window.read(1, 10, 1000)), [2]);
  assert.deepEqual(positions(window.read(0, 10, null)), [1, 2]);
});

test('an append whose text Redis stores otherwise (a lone surrogate) is left for the feed', () => {
  const { window } = fedWindow(1, 2);
  window.appended(entry(3, { data: 'half \uD83D' }), 2);
  window.appended(entry(3, { topics: ['\uDC00'] }), 2);
  assert.equal(window.size, 2);
  window.appended(entry(3, { data: 'a pair 🎉 is fine' }), 2);
  assert.equal(window.size, 3);
});
