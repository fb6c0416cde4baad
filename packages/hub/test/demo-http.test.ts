// The demos over HTTP, in-process with short intervals: every demo topic gets its events from the hub
// itself, and the chat's POST checks its input (400/413/415/405 with a message) before publishing.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as limits from '../src/dashboard/demos/demo-limits.ts';
import { type DashboardHub, startDashboardHub } from './dashboard-support.ts';
import { subscribe, url } from './support/sse.ts';

let hub: DashboardHub;
before(async () => {
  hub = await startDashboardHub(
    { anonymous: true },
    { sampleInterval: 100, demos: true, demoIntervals: { ticker: 50, monitor: 100, clock: 50 } },
  );
});
after(() => hub.close());

/** The demos' own hub: the pages subscribe there, never to the real one. */
const demoUrl = (topic: string) => `${hub.url}/demo/hub?topic=${encodeURIComponent(topic)}`;

const chat = (
  body: string | Uint8Array<ArrayBuffer>,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) => fetch(`${hub.url}/demo/chat/messages`, { method: 'POST', headers, body });

test('the demo pages are served under /demo/', async () => {
  for (const [path, marker] of [
    ['/demo/', /href="\/demo\/ticker"/],
    ['/demo/ticker', /src="\/demo\/ticker.js"/],
    ['/demo/monitor', /src="\/demo\/monitor.js"/],
    ['/demo/chat', /src="\/demo\/chat.js"/],
    ['/demo/clock', /src="\/demo\/clock.js"/],
    ['/demo/demo-page.js', /new EventSource\(url\)/],
  ] as const) {
    const response = await fetch(`${hub.url}${path}`);
    assert.equal(response.status, 200, path);
    assert.match(response.headers.get('content-security-policy')!, /default-src 'self'/);
    assert.match(await response.text(), marker, path);
  }
  const redirect = await fetch(`${hub.url}/demo`, { redirect: 'manual' });
  assert.equal(redirect.status, 308);
  assert.equal(redirect.headers.get('location'), '/demo/');
  assert.equal((await fetch(`${hub.url}/demo/nothing`)).status, 404);
});

test('ticker, monitor and clock publish on their topics from inside the hub', async () => {
  const ticker = await subscribe(demoUrl('urn:tidings:demo:ticker'));
  const monitor = await subscribe(demoUrl('urn:tidings:demo:monitor'));
  const clock = await subscribe(demoUrl('urn:tidings:demo:clock'));
  try {
    const prices = await ticker.waitForEvents(8);
    assert.ok(prices.every((e) => e.event === 'price'));
    const symbols = new Set(prices.map((e) => JSON.parse(e.data).symbol));
    assert.deepEqual([...symbols].sort(), ['GULL', 'REEF', 'TIDE', 'WAVE']);
    const quote = JSON.parse(prices[0]!.data);
    assert.equal(typeof quote.price, 'number');
    assert.equal(typeof quote.change, 'number');
    assert.ok(!Number.isNaN(Date.parse(quote.time)));

    await monitor.waitFor(
      () => new Set(monitor.events.map((e) => e.event)).size === 5,
      'connections, requests, uptime, load and processes',
    );
    const last = (type: string) => JSON.parse([...monitor.events].reverse().find((e) => e.event === type)!.data);
    // A sample taken before the third subscription was attached counts two: wait for one taken after.
    await monitor.waitFor(
      () => monitor.events.some((e) => e.event === 'connections' && JSON.parse(e.data).subscribers >= 3),
      'a connections sample that counts the three subscriptions of this test',
    );
    assert.ok(last('requests').total >= 3);
    assert.equal(typeof last('uptime').seconds, 'number');
    assert.deepEqual(Object.keys(last('load')), ['one', 'five', 'fifteen']);
    const processes = last('processes');
    assert.equal(processes.available, true);
    assert.ok(processes.processes.length > 0 && processes.processes.length <= limits.DEMO_TOP_PROCESSES);

    const ticks = await clock.waitForEvents(2);
    assert.ok(ticks.every((e) => e.event === 'time'));
    assert.ok(Date.parse(ticks[1]!.data) > Date.parse(ticks[0]!.data));
  } finally {
    ticker.close();
    monitor.close();
    clock.close();
  }
});

test('a chat message is checked, published on the chat topic and answered with its id', async () => {
  const reader = await subscribe(demoUrl('urn:tidings:demo:chat'));
  try {
    const response = await chat(JSON.stringify({ name: 'Ada', text: 'Hello, hub' }));
    assert.equal(response.status, 200);
    const { id } = (await response.json()) as { id: string };
    const [event] = await reader.waitForEvents(1);
    assert.equal(event!.event, 'message');
    assert.equal(event!.lastEventId, id);
    const message = JSON.parse(event!.data);
    assert.equal(message.name, 'Ada');
    assert.equal(message.text, 'Hello, hub');
  } finally {
    reader.close();
  }
});

test('bad chat requests get 400, 413, 415 or 405 with a message, and nothing is published', async () => {
  const reader = await subscribe(demoUrl('urn:tidings:demo:chat'));
  try {
    const cases: [Promise<Response>, number, RegExp][] = [
      [chat('{"name":"Ada"'), 400, /the body must be JSON/],
      [chat(JSON.stringify({ name: '', text: 'x' })), 400, /name must not be empty/],
      [chat(JSON.stringify({ name: 'Ada', text: 'x'.repeat(limits.DEMO_CHAT_MAX_TEXT + 1) })), 400, /the limit is 500/],
      [chat(JSON.stringify({ name: 'Ada\u0000', text: 'x' })), 400, /control characters/],
      [chat('name=Ada&text=x', { 'content-type': 'application/x-www-form-urlencoded' }), 415, /application\/json/],
      [
        chat(JSON.stringify({ name: 'Ada', text: 'x', pad: 'y'.repeat(limits.DEMO_CHAT_MAX_BODY_BYTES) })),
        413,
        /larger than 4096 bytes/,
      ],
      [fetch(`${hub.url}/demo/chat/messages`), 405, /use POST/],
      [
        chat(Buffer.from([...Buffer.from('{"name":"Ada","text":"'), 0xff, ...Buffer.from('"}')])),
        400,
        /not valid UTF-8/,
      ],
    ];
    for (const [pending, status, message] of cases) {
      const response = await pending;
      assert.equal(response.status, status, message.source);
      assert.match(response.headers.get('content-type')!, /^application\/json/);
      const body = (await response.json()) as { error: string };
      assert.match(body.error, message);
    }
    // A chunked body past the limit (no Content-Length) is cut off as well.
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new Uint8Array(1024).fill(0x20));
        controller.close();
      },
    });
    const streamed = await fetch(`${hub.url}/demo/chat/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    assert.equal(streamed.status, 413);
    // A valid message afterwards is the first thing the reader gets.
    assert.equal((await chat(JSON.stringify({ name: 'Bo', text: 'ok' }))).status, 200);
    const [event] = await reader.waitForEvents(1);
    assert.equal(JSON.parse(event!.data).name, 'Bo');
    assert.equal(reader.events.length, 1);
  } finally {
    reader.close();
  }
});

test('the demo publishers stop when the dashboard closes', async () => {
  const own = await startDashboardHub(
    { anonymous: true },
    { sampleInterval: 100, demos: true, demoIntervals: { clock: 20 } },
  );
  const clock = await subscribe(`${own.url}/demo/hub?topic=urn:tidings:demo:clock`);
  try {
    await clock.waitForEvents(2);
    own.dashboard.close();
    await clock.ended; // the demos' hub closed with the dashboard
    const count = clock.events.length;
    await new Promise((resolve) => setTimeout(resolve, 200)); // ten clock intervals
    assert.equal(clock.events.length, count, 'nothing published after close()');
  } finally {
    clock.close();
    await own.close();
  }
});

test('the demos publish to a hub of their own: nothing they send reaches the real history, limits or subscribers', async () => {
  const real = await subscribe(
    url(hub.hubUrl, [
      ['topic', '*'],
      ['lastEventID', 'earliest'],
    ]),
  );
  const demo = await subscribe(demoUrl('urn:tidings:demo:chat'));
  try {
    const sent = await chat(JSON.stringify({ name: 'Ada', text: 'kept apart' }));
    assert.equal(sent.status, 200);
    await demo.waitFor(() => demo.events.some((e) => JSON.parse(e.data).text === 'kept apart'), 'the chat message');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(
      real.events.filter((e) => e.event !== 'tidings-replay'),
      [],
      'the real hub got no demo update, live or in its history',
    );
    assert.equal(hub.hub.stats().updatesPublished, 0);
    // The demos' hub takes no publisher tokens: visitors send through the chat's checks only.
    const post = await fetch(`${hub.url}/demo/hub`, { method: 'POST', body: 'topic=x' });
    assert.equal(post.status, 405);
  } finally {
    real.close();
    demo.close();
  }
});

test('chat sends are rate-limited: past the burst, 429 with Retry-After', async () => {
  const answers: number[] = [];
  for (let i = 0; i < limits.DEMO_CHAT_BURST + 5; i++) {
    const response = await chat(JSON.stringify({ name: 'Flood', text: String(i) }));
    answers.push(response.status);
    if (response.status === 429) assert.ok(Number(response.headers.get('retry-after')) >= 1);
  }
  assert.ok(answers.includes(429), answers.join(' '));
  assert.ok(answers.filter((status) => status === 200).length <= limits.DEMO_CHAT_BURST);
});
