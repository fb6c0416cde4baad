// The dashboard's parts on their own: the rates averaged over a window (no zigzag from a publisher with a
// rhythm), the one time format of the pages, and the hints the page adds to a refusal.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHub } from '@tidings/hub';
import { RATE_WINDOW_MS } from '../src/dashboard/dashboard-limits.ts';
import { StatsSampler } from '../src/dashboard/stats-sampler.ts';

// The pages' own modules (plain ES modules without DOM, and without types), as the browser loads them.
type Hint = (refusal: { status: number; tokenSent: boolean; anonymous?: boolean }) => string;
const page = (file: string) => new URL(`../static/dashboard/${file}`, import.meta.url).href;
const { formatDuration, formatTime } = (await import(page('format.js'))) as {
  formatTime: (date: Date) => string;
  formatDuration: (seconds: number) => string;
};
const { publishHint, subscribeHint } = (await import(page('hints.js'))) as { publishHint: Hint; subscribeHint: Hint };

test('a publisher with a 2 s rhythm draws a flat rate, not a zigzag between 0 and twice the rate', async () => {
  const hub = createHub({ anonymous: true, log: null });
  let now = 1_000_000;
  const sampler = new StatsSampler(hub, 60, () => now);
  try {
    const rates: number[] = [];
    for (let second = 1; second <= 20; second++) {
      // Like the monitor demo: 5 updates every other second.
      if (second % 2 === 0) for (let i = 0; i < 5; i++) await hub.publish({ topics: 'urn:rhythm', data: 'x' });
      now += 1000;
      rates.push(sampler.sample().publishRate);
    }
    // Once the window is full, every sample shows the true rate, 2.5 updates a second.
    const settled = rates.slice(RATE_WINDOW_MS / 1000);
    assert.deepEqual(
      settled,
      settled.map(() => 2.5),
      `rates: ${rates.join(' ')}`,
    );
    // Before that, the rate is measured over the time there is (never divided by a window not yet seen).
    assert.equal(rates[1], 2.5, 'after 2 s: 5 updates in 2 s');
  } finally {
    await hub.close();
  }
});

test('the rates follow a change within the window: they fall to 0 once publishing stops', async () => {
  const hub = createHub({ anonymous: true, log: null });
  let now = 0;
  const sampler = new StatsSampler(hub, 60, () => now);
  try {
    for (let i = 0; i < 12; i++) await hub.publish({ topics: 'urn:burst', data: 'x' });
    now += 1000;
    assert.equal(sampler.sample().publishRate, 12);
    const after: number[] = [];
    for (let second = 0; second < RATE_WINDOW_MS / 1000; second++) {
      now += 1000;
      after.push(sampler.sample().publishRate);
    }
    assert.equal(after.at(-1), 0, `rates: ${after.join(' ')}`);
    assert.ok(after[0]! > 0, 'the burst still counts while it is in the window');
  } finally {
    await hub.close();
  }
});

test('times and durations have one format on every page', () => {
  assert.equal(formatTime(new Date(2026, 0, 2, 3, 4, 5)), '03:04:05');
  assert.equal(formatTime(new Date(2026, 0, 2, 23, 59, 9)), '23:59:09');
  assert.equal(formatDuration(0), '0h 00m 00s');
  assert.equal(formatDuration(3 * 3600 + 7 * 60 + 5), '3h 07m 05s');
  assert.equal(formatDuration(2 * 86400 + 61), '2d 0h 01m 01s');
});

test('a refused token gets the hint that fits the hub: on an --anonymous hub the token is bad, not missing', () => {
  const bad = subscribeHint({ status: 401, tokenSent: true, anonymous: true });
  assert.match(bad, /refused the token/);
  assert.match(bad, /untick "Send the token"/);
  assert.doesNotMatch(bad, /--anonymous/, 'the hub already has it');
  assert.match(
    subscribeHint({ status: 401, tokenSent: true, anonymous: false }),
    /refused the token: .*; paste a valid one$/,
  );
  assert.match(
    subscribeHint({ status: 401, tokenSent: false, anonymous: false }),
    /without --anonymous.*paste a token/,
  );
  assert.equal(subscribeHint({ status: 400, tokenSent: true, anonymous: true }), '');
  assert.match(publishHint({ status: 401, tokenSent: false }), /paste a publisher token/);
  assert.match(publishHint({ status: 401, tokenSent: true }), /refused the token/);
  assert.match(publishHint({ status: 403, tokenSent: true }), /may not publish to this topic/);
  assert.equal(publishHint({ status: 400, tokenSent: true }), '');
});
