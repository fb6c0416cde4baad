// The demos' parts on their own: the price walk, the chat message checks, the metric reader and the
// process sampler (on this machine's real /proc).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DemoInputError, parseChatMessage } from '../src/dashboard/demos/chat-message.ts';
import * as limits from '../src/dashboard/demos/demo-limits.ts';
import { metricValue } from '../src/dashboard/demos/demo-publishers.ts';
import { OPENING_PRICES, PriceWalk } from '../src/dashboard/demos/price-walk.ts';
import { ProcessSampler } from '../src/dashboard/demos/process-sampler.ts';

test('the price walk is repeatable per seed, moves each symbol at most 1 % a step and stays above 0', () => {
  const a = new PriceWalk(7);
  const b = new PriceWalk(7);
  const c = new PriceWalk(8);
  const last = new Map(Object.entries(OPENING_PRICES));
  let differs = false;
  for (let step = 0; step < 500; step++) {
    const quotes = a.step();
    assert.deepEqual(quotes, b.step());
    if (JSON.stringify(quotes) !== JSON.stringify(c.step())) differs = true;
    assert.deepEqual(
      quotes.map((q) => q.symbol),
      Object.keys(OPENING_PRICES),
    );
    for (const quote of quotes) {
      const before = last.get(quote.symbol)!;
      assert.ok(quote.price >= 0.01);
      assert.ok(Math.abs(quote.price - before) <= before * 0.01 + 0.005, `${quote.symbol} moved too far`);
      assert.equal(quote.change, Math.round((quote.price - before) * 100) / 100);
      last.set(quote.symbol, quote.price);
    }
  }
  assert.ok(differs, 'another seed gives other prices');
});

test('chat messages: trimmed, limited in code points, no control characters, each refusal says why', () => {
  const now = new Date('2026-01-02T03:04:05.000Z');
  assert.deepEqual(parseChatMessage('{"name":"  Ada ","text":" Hello\\nthere "}', now), {
    name: 'Ada',
    text: 'Hello\nthere',
    sentAt: '2026-01-02T03:04:05.000Z',
  });
  const emoji = '😀'.repeat(limits.DEMO_CHAT_MAX_NAME);
  assert.equal(parseChatMessage(JSON.stringify({ name: emoji, text: 'x' })).name, emoji, 'emoji count once each');
  const refusals: [string, RegExp][] = [
    ['not json', /the body must be JSON such as/],
    ['[1]', /must be a JSON object/],
    ['null', /must be a JSON object/],
    ['{"text":"x"}', /name must be a string/],
    ['{"name":"Ada","text":3}', /text must be a string/],
    ['{"name":"   ","text":"x"}', /name must not be empty/],
    [
      JSON.stringify({ name: 'a'.repeat(limits.DEMO_CHAT_MAX_NAME + 1), text: 'x' }),
      /name is 33 characters long; the limit is 32/,
    ],
    [
      JSON.stringify({ name: 'Ada', text: 'b'.repeat(limits.DEMO_CHAT_MAX_TEXT + 1) }),
      /text is 501 characters long; the limit is 500/,
    ],
    [JSON.stringify({ name: 'A\nda', text: 'x' }), /name must not contain control characters/],
    [JSON.stringify({ name: 'Ada', text: 'bell\u0007' }), /text must not contain control characters/],
  ];
  for (const [body, message] of refusals) {
    assert.throws(
      () => parseChatMessage(body),
      (error: unknown) => error instanceof DemoInputError && error.status === 400 && message.test(error.message),
      body.slice(0, 40),
    );
  }
});

test('metricValue reads a counter from the Prometheus text and sums labelled samples', () => {
  const text = [
    '# HELP tidings_subscriptions_total Subscriber connections opened.',
    '# TYPE tidings_subscriptions_total counter',
    'tidings_subscriptions_total 12',
    'tidings_subscriptions_total_extra 99',
    'tidings_publish_rejected_total{status="401"} 3',
    'tidings_publish_rejected_total{status="403"} 4',
  ].join('\n');
  assert.equal(metricValue(text, 'tidings_subscriptions_total'), 12);
  assert.equal(metricValue(text, 'tidings_publish_rejected_total'), 7);
  assert.equal(metricValue(text, 'tidings_missing'), 0);
});

test('the process sampler lists the busiest processes from /proc, with CPU shares between two samples', async () => {
  const sampler = new ProcessSampler();
  const startedAt = performance.now();
  const cpuBefore = process.cpuUsage();
  const first = await sampler.sample(100_000);
  assert.equal(first.available, true, 'this Linux machine has /proc');
  const self = first.processes.find((p) => p.pid === process.pid);
  assert.ok(self, 'this process is listed');
  assert.ok(self.rssBytes > 1024 * 1024, 'with its resident memory');
  assert.equal(self.cpuPercent, 0, 'no CPU share before a second sample');
  // Use 300 ms of CPU (however long that takes on a busy machine); the next sample must show this process's
  // share, at least half of what Node itself measured over a window slightly wider than the sampler's.
  const spent = () => {
    const { user, system } = process.cpuUsage(cpuBefore);
    return (user + system) / 1000;
  };
  while (spent() < 300) {}
  const second = await sampler.sample(100_000);
  const expected = (spent() / (performance.now() - startedAt)) * 100;
  const busy = second.processes.find((p) => p.pid === process.pid)!;
  assert.ok(
    busy.cpuPercent >= expected / 2,
    `sampler says ${busy.cpuPercent} %, Node measured ${expected.toFixed(1)} %`,
  );
  const top = await sampler.sample(limits.DEMO_TOP_PROCESSES);
  assert.ok(top.processes.length <= limits.DEMO_TOP_PROCESSES && top.processes.length > 0);
  for (let i = 1; i < top.processes.length; i++) {
    assert.ok(top.processes[i - 1]!.cpuPercent >= top.processes[i]!.cpuPercent, 'busiest first');
  }
});
