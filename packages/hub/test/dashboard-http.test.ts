// The dashboard's HTTP side, in-process on an ephemeral port: pages and the client bundle, the stats JSON and
// stream (what anonymous viewers and token holders see), the viewer limit, options, and mounting from the CLI.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createHub, mountDashboard } from '@tidings/hub';
import * as limits from '../src/dashboard/dashboard-limits.ts';
import { StatsSampler } from '../src/dashboard/stats-sampler.ts';
import { openStatsStream } from '../src/dashboard/stats-stream.ts';
import { type DashboardHub, startDashboardHub, until } from './dashboard-support.ts';
import { KEY, runCli, startHub } from './support/hub-process.ts';
import { PUBLISH_ALL, publish, subscribe, token, url } from './support/sse.ts';

const FAST = { sampleInterval: 50 };

async function withHub(
  options: Parameters<typeof startDashboardHub>[0],
  dashboard: Parameters<typeof startDashboardHub>[1],
  run: (hub: DashboardHub) => Promise<void>,
) {
  const hub = await startDashboardHub(options, dashboard);
  try {
    await run(hub);
  } finally {
    await hub.close();
  }
}

async function statsJson(base: string, authorization?: string) {
  const response = await fetch(`${base}/dashboard/stats.json`, {
    headers: authorization === undefined ? {} : { authorization },
  });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type')!, /^application\/json/);
  return (await response.json()) as {
    subscribers: number;
    updatesPublished: number;
    eventsDelivered: number;
    publishRate: number;
    deliveryRate: number;
    topics: { selector: string; subscribers: number }[];
    topicsNotShown: number;
    uptimeSeconds: number;
    hub: { publishing: boolean; anonymous: boolean };
    samples: { time: number; subscribers: number; publishRate: number; deliveryRate: number }[];
  };
}

test('the dashboard page, its files and the client bundle are served from the hub with a same-origin CSP', async () => {
  await withHub({ anonymous: true }, FAST, async ({ url: base }) => {
    const page = await fetch(`${base}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type')!, /^text\/html/);
    const csp = page.headers.get('content-security-policy')!;
    assert.match(csp, /default-src 'self'/);
    const html = await page.text();
    assert.match(html, /<script type="module" src="\/dashboard\/dashboard.js">/);
    // Nothing on the page comes from another host.
    assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//);

    const script = await fetch(`${base}/dashboard/dashboard.js`);
    assert.equal(script.status, 200);
    assert.match(script.headers.get('content-type')!, /^text\/javascript/);
    assert.match(await script.text(), /from '\/dashboard\/tidings-client.js'/);

    const bundle = await fetch(`${base}/dashboard/tidings-client.js`);
    assert.equal(bundle.status, 200);
    assert.match(bundle.headers.get('content-type')!, /^text\/javascript/);
    const built = readFileSync(fileURLToPath(import.meta.resolve('@tidings/client/browser-bundle')), 'utf8');
    assert.equal(await bundle.text(), built);

    const head = await fetch(`${base}/dashboard/style.css`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.match(head.headers.get('content-type')!, /^text\/css/);

    assert.equal((await fetch(`${base}/dashboard/nothing.js`)).status, 404);
    assert.equal((await fetch(`${base}/dashboard/../src/limits.ts`)).status, 404);
    const post = await fetch(`${base}/`, { method: 'POST', body: 'x' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
    // The hub's own routes are untouched.
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
  });
});

test('stats.json counts subscribers and topics, and the rates follow what is published', async () => {
  await withHub({ anonymous: true, publisherKey: { key: KEY } }, FAST, async ({ url: base, hubUrl, hub }) => {
    const idle = await statsJson(base, `Bearer ${token(PUBLISH_ALL)}`);
    assert.equal(idle.subscribers, 0);
    assert.deepEqual(idle.topics, []);
    assert.deepEqual(idle.hub, { publishing: true, anonymous: true });
    const a1 = await subscribe(url(hubUrl, [['topic', 'https://example.com/a']]));
    const a2 = await subscribe(url(hubUrl, [['topic', 'https://example.com/a']]));
    const b = await subscribe(url(hubUrl, [['topic', 'https://example.com/b/{id}']]));
    try {
      const busy = await statsJson(base, `Bearer ${token(PUBLISH_ALL)}`);
      assert.equal(busy.subscribers, 3);
      assert.deepEqual(busy.topics, [
        { selector: 'https://example.com/a', subscribers: 2 },
        { selector: 'https://example.com/b/{id}', subscribers: 1 },
      ]);
      assert.equal(busy.topicsNotShown, 0);

      for (let i = 0; i < 20; i++) await hub.publish({ topics: 'https://example.com/a', data: String(i) });
      await a1.waitForEvents(20);
      // The next samples see 20 updates and 40 deliveries.
      await until(async () => {
        const view = await statsJson(base);
        return view.samples.some((s) => s.publishRate > 0) && view.samples.some((s) => s.deliveryRate > 0);
      }, 'a sample with publish and delivery rates above 0');
      const after = await statsJson(base);
      assert.equal(after.updatesPublished, 20);
      assert.equal(after.eventsDelivered, 40);
      assert.ok(after.samples.length <= limits.DASHBOARD_SAMPLES_KEPT);
      const published = after.samples.reduce((sum, s) => sum + s.publishRate, 0);
      assert.ok(published > 0, 'publish rate recorded');
    } finally {
      a1.close();
      a2.close();
      b.close();
    }
    await until(async () => (await statsJson(base)).subscribers === 0, 'subscribers to leave');
  });
});

test('with a JWT key, topic names are shown only to a publisher token allowed to publish to them', async () => {
  await withHub({ anonymous: true, publisherKey: { key: KEY } }, FAST, async ({ url: base, hubUrl }) => {
    const secret = await subscribe(url(hubUrl, [['topic', 'https://example.com/users/42/inbox']]));
    const open = await subscribe(url(hubUrl, [['topic', 'https://example.com/news']]));
    try {
      const anonymous = await statsJson(base);
      assert.equal(anonymous.subscribers, 2);
      assert.deepEqual(anonymous.topics, []);
      assert.equal(anonymous.topicsNotShown, 2);
      assert.doesNotMatch(JSON.stringify(anonymous), /inbox|news/);

      for (const bad of [
        'Bearer not.a.jwt',
        `Bearer ${token(PUBLISH_ALL, 'another-key-another-key-another-key')}`,
        `Bearer ${token({ mercure: { subscribe: ['*'] } })}`, // may subscribe, may not publish
        `Basic ${token(PUBLISH_ALL)}`,
      ]) {
        const view = await statsJson(base, bad);
        assert.deepEqual(view.topics, [], bad.slice(0, 12));
        assert.equal(view.topicsNotShown, 2);
      }

      const all = await statsJson(base, `Bearer ${token(PUBLISH_ALL)}`);
      assert.deepEqual(
        all.topics.map((t) => t.selector),
        ['https://example.com/news', 'https://example.com/users/42/inbox'],
      );
      const newsOnly = await statsJson(base, `Bearer ${token({ mercure: { publish: ['https://example.com/news'] } })}`);
      assert.deepEqual(newsOnly.topics, [{ selector: 'https://example.com/news', subscribers: 1 }]);
      assert.equal(newsOnly.topicsNotShown, 1);
    } finally {
      secret.close();
      open.close();
    }
  });
});

test('a hub with no key at all shows topic names to every viewer (nothing there can be private)', async () => {
  await withHub({ anonymous: true }, FAST, async ({ url: base, hubUrl }) => {
    const sub = await subscribe(url(hubUrl, [['topic', 'https://example.com/open']]));
    try {
      const view = await statsJson(base);
      assert.deepEqual(view.topics, [{ selector: 'https://example.com/open', subscribers: 1 }]);
      assert.deepEqual(view.hub, { publishing: false, anonymous: true });
    } finally {
      sub.close();
    }
  });
});

test('the stats stream sends the kept samples first, then one stats event per sample, filtered per viewer', async () => {
  await withHub({ anonymous: true, publisherKey: { key: KEY } }, FAST, async ({ url: base, hubUrl, hub }) => {
    const watcher = await subscribe(url(hubUrl, [['topic', 'https://example.com/private-name']]));
    const anonymous = await subscribe(`${base}/dashboard/stats`);
    const holder = await subscribe(`${base}/dashboard/stats`, { authorization: `Bearer ${token(PUBLISH_ALL)}` });
    try {
      assert.equal(anonymous.status, 200);
      assert.match(anonymous.headers.get('content-type')!, /^text\/event-stream/);
      assert.equal(anonymous.headers.get('x-accel-buffering'), 'no');
      const [first] = await anonymous.waitForEvents(1);
      assert.equal(first!.event, 'stats');
      assert.match(anonymous.raw(), new RegExp(`^event: stats\\nretry: ${limits.DASHBOARD_RETRY_MS}\\n`));
      const firstView = JSON.parse(first!.data);
      assert.ok(Array.isArray(firstView.samples), 'the first event carries the kept samples');
      await anonymous.waitForEvents(3);
      const next = JSON.parse(anonymous.events[2]!.data);
      assert.equal(next.samples, undefined, 'later events carry one sample');
      assert.equal(next.topicsNotShown, 1);
      assert.doesNotMatch(anonymous.raw(), /private-name/);

      await holder.waitForEvents(1);
      assert.match(holder.events[0]!.data, /private-name/);

      // The publish rate in the stream rises once updates are published.
      const count = anonymous.events.length;
      for (let i = 0; i < 10; i++) await hub.publish({ topics: 'https://example.com/x', data: 'x' });
      await anonymous.waitFor(
        () => anonymous.events.slice(count).some((e) => JSON.parse(e.data).publishRate > 0),
        'a stats event with a publish rate above 0',
      );
    } finally {
      watcher.close();
      anonymous.close();
      holder.close();
    }
  });
});

test('stats streams past maxViewers get 429; close() ends the streams and unmounts the routes', async () => {
  await withHub({ anonymous: true }, { ...FAST, maxViewers: 2 }, async ({ url: base, dashboard }) => {
    const one = await subscribe(`${base}/dashboard/stats`);
    const two = await subscribe(`${base}/dashboard/stats`);
    const three = await fetch(`${base}/dashboard/stats`);
    assert.equal(three.status, 429);
    assert.equal(three.headers.get('retry-after'), '5');
    assert.match(await three.text(), /too many dashboard viewers/);
    one.close();
    // The slot frees once the first viewer has gone.
    await until(async () => {
      const again = await fetch(`${base}/dashboard/stats`);
      if (again.status === 200) {
        await again.body?.cancel();
        return true;
      }
      await again.text();
      return false;
    }, 'a free viewer slot');

    dashboard.close();
    await two.ended;
    assert.equal((await fetch(`${base}/`)).status, 404);
    assert.equal((await fetch(`${base}/dashboard/stats.json`)).status, 404);
  });
});

test('the hub serves no demo pages: /demo/ is 404 (the examples/ folder has the demos)', async () => {
  await withHub({ anonymous: true }, FAST, async ({ url: base }) => {
    assert.equal((await fetch(`${base}/demo/`)).status, 404);
    assert.equal((await fetch(`${base}/demo/chat/messages`, { method: 'POST' })).status, 404);
  });
});

test('mountDashboard checks its options with a TypeError that says how to fix them', async () => {
  const hub = createHub({ log: null });
  try {
    assert.throws(() => mountDashboard({} as never), /needs the hub returned by createHub/);
    assert.throws(
      () => mountDashboard(hub, { sampleInterval: 0 }),
      /sampleInterval must be a whole number of milliseconds >= 10/,
    );
    assert.throws(() => mountDashboard(hub, { maxViewers: 1.5 }), /maxViewers must be a whole number of streams >= 1/);
    // The removed demo options say so rather than being ignored.
    assert.throws(() => mountDashboard(hub, { demos: true } as never), /demos is gone: .*examples\//);
    assert.throws(() => mountDashboard(hub, { demoIntervals: {} } as never), /demoIntervals is gone/);
    assert.throws(() => mountDashboard(hub, { clientBundle: 3 as never }), /clientBundle must be the path/);
  } finally {
    await hub.close();
  }
});

test('a missing client bundle gets 503 saying how to build it', async () => {
  await withHub(
    { anonymous: true },
    { ...FAST, clientBundle: '/nonexistent/tidings-client.min.js' },
    async ({ url: base }) => {
      const response = await fetch(`${base}/dashboard/tidings-client.js`);
      assert.equal(response.status, 503);
      assert.match(await response.text(), /npm run build/);
    },
  );
});

test('the page files ship in the package and sit where both src/ and dist/ look for them', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  assert.ok(pkg.files.includes('static'), 'package.json "files" lists static');
  // src/dashboard/*.ts and dist/dashboard/*.js (rootDir src, outDir dist) both resolve ../../static/.
  const tsconfig = readFileSync(new URL('../tsconfig.json', import.meta.url), 'utf8');
  assert.match(tsconfig, /"rootDir": "src"/);
  assert.match(tsconfig, /"outDir": "dist"/);
  for (const file of ['dashboard/index.html', 'dashboard/dashboard.js', 'dashboard/style.css']) {
    assert.ok(readFileSync(new URL(`../static/${file}`, import.meta.url)).length > 0, file);
  }
});

test('tidings hub --dashboard serves the dashboard; without the flag / is 404; --demos is no flag; SIGTERM exits 0', async () => {
  const plain = await startHub(['--anonymous']);
  try {
    assert.equal((await fetch(`${plain.url}/`)).status, 404);
    assert.equal((await fetch(`${plain.url}/dashboard/stats.json`)).status, 404);
  } finally {
    assert.equal(await plain.stop(), 0);
  }
  const hub = await startHub(['--anonymous', '--jwt-key', KEY, '--dashboard']);
  try {
    const listening = hub.logs.find((line) => line.msg === 'listening');
    assert.equal(listening?.dashboard, true);
    assert.equal((await fetch(`${hub.url}/`)).status, 200);
    assert.equal((await fetch(`${hub.url}/demo/`)).status, 404);
    const stats = await subscribe(`${hub.url}/dashboard/stats`);
    await stats.waitForEvents(1);
    // Streams still open at SIGTERM end, and the hub exits 0.
    assert.equal(await hub.stop(), 0);
    await stats.ended;
  } finally {
    await hub.stop();
  }
  assert.doesNotMatch(hub.output(), /eyJ/, 'no token in the logs');
  const demos = await runCli(['hub', '--dashboard', '--demos']);
  assert.equal(demos.code, 2, 'the removed --demos flag is a usage error');
});

test('publishing from the dashboard goes to the hub publish endpoint with the token (no dashboard bypass)', async () => {
  await withHub({ anonymous: true, publisherKey: { key: KEY } }, FAST, async ({ url: base, hubUrl }) => {
    // The page posts to /.well-known/mercure like any publisher: no token, no publish.
    const refused = await publish(hubUrl, [
      ['topic', 'https://example.com/a'],
      ['data', 'x'],
    ]);
    assert.equal(refused.status, 401);
    const accepted = await publish(
      hubUrl,
      [
        ['topic', 'https://example.com/a'],
        ['data', 'x'],
      ],
      { token: token(PUBLISH_ALL) },
    );
    assert.equal(accepted.status, 200);
    for (const path of ['/dashboard/publish', '/dashboard/stats.json']) {
      assert.notEqual((await fetch(`${base}${path}`, { method: 'POST', body: 'topic=a&data=x' })).status, 200, path);
    }
  });
});

test(`a stats viewer that stops reading is closed past ${limits.DASHBOARD_MAX_QUEUED_BYTES} queued bytes`, async () => {
  const hub = createHub({ log: null, anonymous: true });
  const sampler = new StatsSampler(hub, limits.DASHBOARD_SAMPLES_KEPT);
  const controller = new AbortController();
  let ended = 0;
  try {
    const stream = openStatsStream(
      hub,
      sampler,
      new Request('http://hub.test/dashboard/stats', { signal: controller.signal }),
      () => true,
      () => ended++,
    );
    // Nobody reads the body: each sample queues one event until the limit is passed.
    let samples = 1;
    while (ended === 0 && samples < 100_000) {
      sampler.sample();
      samples++;
    }
    assert.equal(ended, 1, 'the stream ended');
    assert.ok(samples > 100, `ended after ${samples} samples, not at once`);
    // What was queued is still readable, then the stream is done.
    const text = await stream.response.text();
    assert.ok(text.length >= limits.DASHBOARD_MAX_QUEUED_BYTES, 'the queued events were kept until the limit');
    assert.ok(text.endsWith('\n\n'));
    stream.close();
    assert.equal(ended, 1, 'onEnd runs once');
  } finally {
    sampler.stop();
    await hub.close();
  }
});

test('a stats viewer that goes away (request aborted) is forgotten', async () => {
  const hub = createHub({ log: null, anonymous: true });
  const sampler = new StatsSampler(hub, limits.DASHBOARD_SAMPLES_KEPT);
  const controller = new AbortController();
  let ended = 0;
  try {
    const stream = openStatsStream(
      hub,
      sampler,
      new Request('http://hub.test/dashboard/stats', { signal: controller.signal }),
      () => true,
      () => ended++,
    );
    const reader = stream.response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    assert.match(first, /^event: stats\n/);
    controller.abort();
    assert.equal(ended, 1);
    // The body ends, so a server copying it to a socket stops too.
    while (!(await reader.read()).done) {}
    sampler.sample(); // no listener left: nothing is queued, nothing throws
  } finally {
    sampler.stop();
    await hub.close();
  }
});

test(`the topics list names at most ${limits.DASHBOARD_MAX_TOPICS} selectors and counts the rest`, async () => {
  await withHub({ anonymous: true }, FAST, async ({ url: base, hubUrl }) => {
    const many: [string, string][] = [];
    for (let i = 0; i < limits.DASHBOARD_MAX_TOPICS; i++) many.push(['topic', `https://example.com/t/${i}`]);
    const wide = await subscribe(url(hubUrl, many));
    const extra = await subscribe(url(hubUrl, [['topic', 'https://example.com/t/extra']]));
    try {
      const view = await statsJson(base);
      assert.equal(view.topics.length, limits.DASHBOARD_MAX_TOPICS);
      assert.equal(view.topicsNotShown, 1);
    } finally {
      wide.close();
      extra.close();
    }
  });
});

test('the dashboard answers through the Fetch handler too (hub.fetch)', async () => {
  const hub = createHub({ log: null, anonymous: true });
  const dashboard = mountDashboard(hub, FAST);
  try {
    const page = await hub.fetch(new Request('http://hub.test/'));
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>Tidings hub dashboard<\/title>/);
    const stats = await hub.fetch(new Request('http://hub.test/dashboard/stats.json'));
    assert.equal(stats.status, 200);
    assert.equal(((await stats.json()) as { subscribers: number }).subscribers, 0);
    const controller = new AbortController();
    const stream = await hub.fetch(new Request('http://hub.test/dashboard/stats', { signal: controller.signal }));
    assert.match(stream.headers.get('content-type')!, /^text\/event-stream/);
    const reader = stream.body!.getReader();
    assert.match(new TextDecoder().decode((await reader.read()).value), /^event: stats\n/);
    await reader.cancel();
  } finally {
    dashboard.close();
    await hub.close();
  }
});

test('TRACE with the dashboard on is 405, not 500, and logs no error', async () => {
  const lines: string[] = [];
  const hub = await startDashboardHub({ log: (line) => lines.push(line) });
  try {
    for (const method of ['TRACE', 'trace']) {
      // fetch refuses these methods, so a raw node:http request sends them, as an attacker would.
      const status = await new Promise<number | undefined>((resolve, reject) => {
        const req = request(`${hub.url}/`, { method }, (res) => {
          res.resume();
          resolve(res.statusCode);
        });
        req.on('error', reject);
        req.end();
      });
      assert.equal(status, 405, method);
    }
    assert.deepEqual(
      lines.filter((line) => line.includes('"level":"error"')),
      [],
    );
  } finally {
    await hub.close();
  }
});
