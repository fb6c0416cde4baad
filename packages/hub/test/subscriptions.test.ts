// Active subscriptions (draft-08): subscription events on connect/disconnect as private `mercure`
// updates, the subscription API with its authorization and Link cursor, node expiry, and the flag off.
// Real hubs on loopback HTTP (createHub + node:http), real event logs.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { createHub, type Hub, type HubOptions } from '@tidings/hub';
import { MemoryLog } from '@tidings/server';
import { MAX_SUBSCRIPTIONS_PER_RESPONSE } from '../src/limits.ts';
import { expandVariable, subscriptionTopic } from '../src/subscriptions/subscription-topic.ts';
import { KEY, startHub } from './support/hub-process.ts';
import { subscribe, token, url } from './support/sse.ts';

const SUBS = '/.well-known/mercure/subscriptions';
const WATCH_ALL = token({ mercure: { subscribe: [`${SUBS}/{+rest}`, SUBS] } });
const watcherToken = (claims: Record<string, unknown>) => token(claims);

interface Running {
  hub: Hub;
  hubUrl: string;
  origin: string;
  stop(): Promise<void>;
}

async function start(options: HubOptions = {}): Promise<Running> {
  const hub = createHub({
    publisherKey: { key: KEY },
    subscriberKey: { key: KEY },
    anonymous: true,
    log: null,
    subscriptions: true,
    ...options,
  });
  const server: Server = createServer(hub.listener).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    hub,
    hubUrl: `${origin}/.well-known/mercure`,
    origin,
    async stop() {
      await hub.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function api(origin: string, path: string, bearer?: string) {
  const response = await fetch(`${origin}${path}`, {
    headers: bearer === undefined ? {} : { authorization: `Bearer ${bearer}` },
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
}

const cursorOf = (headers: Headers) => /last-event-id="([^"]*)"/.exec(headers.get('link') ?? '')?.[1];

describe('subscription topics', () => {
  test('{match} and {subscriber} are percent-encoded exactly once, as RFC 6570 simple expansion', () => {
    assert.equal(
      subscriptionTopic('urlpattern', 'https://example.com/:selector', 'urn:uuid:bb3de268-05b0-4c65-b44e-8f9acefc29d6'),
      '/.well-known/mercure/subscriptions/urlpattern/https%3A%2F%2Fexample.com%2F%3Aselector/urn%3Auuid%3Abb3de268-05b0-4c65-b44e-8f9acefc29d6',
    );
    // A "%" already there is itself encoded; the characters encodeURIComponent keeps are encoded too.
    assert.equal(expandVariable("a%2Fb!'()*~._-é"), 'a%252Fb%21%27%28%29%2A~._-%C3%A9');
  });
});

describe('subscription events', () => {
  test('a connect and a disconnect publish private `mercure` events with the draft-08 document', async () => {
    const hub = await start();
    try {
      // Its own subscription is announced too, under urlpattern/: it watches the exact ones.
      const watcher = await subscribe(url(hub.hubUrl, [['match_urlpattern', `${SUBS}/exact/*`]]), {
        authorization: `Bearer ${WATCH_ALL}`,
      });
      // An anonymous subscriber selecting the same topics must not see them: they are private.
      const outsider = await subscribe(
        url(hub.hubUrl, [
          ['topic', `${SUBS}/{+rest}`],
          ['topic', 'urn:marker'],
        ]),
      );
      const payload = { name: 'Ada' };
      const member = await subscribe(url(hub.hubUrl, [['match', 'https://example.com/a-topic']]), {
        authorization: `Bearer ${token({ mercure: { subscribe: [], payload } })}`,
      });
      const about = () => watcher.events.filter((e) => JSON.parse(e.data).match === 'https://example.com/a-topic');
      await watcher.waitFor(() => about().length === 1, 'the connect event');
      const [joined] = about();
      assert.equal(joined!.event, 'mercure');
      const doc = JSON.parse(joined!.data);
      assert.equal(doc.type, 'subscription');
      assert.equal(doc.match_type, 'exact');
      assert.equal(doc.match, 'https://example.com/a-topic');
      assert.match(doc.subscriber, /^urn:uuid:[0-9a-f-]{36}$/);
      assert.equal(doc.active, true);
      assert.deepEqual(doc.payload, payload);
      assert.equal(doc.id, subscriptionTopic('exact', 'https://example.com/a-topic', doc.subscriber));
      member.close();
      await watcher.waitFor(() => about().length === 2, 'the disconnect event');
      const [, left] = about();
      const gone = JSON.parse(left!.data);
      assert.equal(gone.id, doc.id);
      assert.equal(gone.active, false);
      assert.equal(left!.event, 'mercure');
      // A later public update reaches the outsider first, so it would have had the private ones by now.
      await hub.hub.publish({ topics: 'urn:marker', data: 'marker' });
      const [first] = await outsider.waitForEvents(1);
      assert.equal(first!.data, 'marker', outsider.raw());
      watcher.close();
      outsider.close();
    } finally {
      await hub.stop();
    }
  });

  test('two connections with one token get distinct subscriber ids', async () => {
    const hub = await start();
    try {
      const watcher = await subscribe(url(hub.hubUrl, [['match_urlpattern', `${SUBS}/exact/*`]]), {
        authorization: `Bearer ${WATCH_ALL}`,
      });
      const same = token({ sub: 'tab-user', mercure: { subscribe: [] } });
      const tabs = await Promise.all(
        [1, 2].map(() => subscribe(url(hub.hubUrl, [['match', 'urn:tabs']]), { authorization: `Bearer ${same}` })),
      );
      const events = await watcher.waitForEvents(2);
      const ids = events.map((e) => JSON.parse(e.data).subscriber);
      assert.notEqual(ids[0], ids[1]);
      assert.ok(!ids.some((id: string) => id.includes('tab-user')), 'the sub claim is not disclosed');
      for (const tab of tabs) tab.close();
      watcher.close();
    } finally {
      await hub.stop();
    }
  });

  test('without the option there are neither events nor an API', async () => {
    const hub = await start({ subscriptions: false });
    try {
      const watcher = await subscribe(url(hub.hubUrl, [['topic', '*']]), { authorization: `Bearer ${WATCH_ALL}` });
      const member = await subscribe(url(hub.hubUrl, [['topic', 'urn:quiet']]));
      member.close();
      await hub.hub.publish({ topics: 'urn:marker', data: 'marker' });
      const [first] = await watcher.waitForEvents(1);
      assert.equal(first!.data, 'marker', watcher.raw());
      assert.equal((await api(hub.origin, SUBS, WATCH_ALL)).status, 404);
      watcher.close();
    } finally {
      await hub.stop();
    }
  });
});

describe('subscription API', () => {
  test('collection, per matcher and one subscription, as application/json with the Link cursor', async () => {
    const hub = await start();
    try {
      const a = await subscribe(url(hub.hubUrl, [['match_urlpattern', 'https://example.com/:selector']]), {
        authorization: `Bearer ${token({ mercure: { subscribe: [], payload: { foo: 'bar' } } })}`,
      });
      const b = await subscribe(url(hub.hubUrl, [['match', 'https://example.com/a-topic']]));
      let all = await api(hub.origin, SUBS, WATCH_ALL);
      // The events are stored before the API shows them; wait until both have arrived.
      for (let i = 0; i < 100 && all.json().subscriptions.length < 2; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        all = await api(hub.origin, SUBS, WATCH_ALL);
      }
      assert.equal(all.status, 200);
      assert.equal(all.headers.get('content-type'), 'application/json');
      assert.match(
        all.headers.get('link')!,
        /^<http:\/\/localhost\/\.well-known\/mercure>; rel="mercure"; last-event-id="urn:uuid:[^"]+"; type="mercure"; content-type="application\/json"$/,
      );
      const body = all.json();
      assert.equal(body.id, SUBS);
      assert.equal(body.type, 'subscriptions');
      assert.deepEqual(body.subscriptions.map((s: { match: string }) => s.match).sort(), [
        'https://example.com/:selector',
        'https://example.com/a-topic',
      ]);
      const pattern = body.subscriptions.find((s: { match_type: string }) => s.match_type === 'urlpattern');
      assert.deepEqual(pattern.payload, { foo: 'bar' });

      const matcherPath = `${SUBS}/urlpattern/${expandVariable('https://example.com/:selector')}`;
      const perMatcher = await api(hub.origin, matcherPath, WATCH_ALL);
      assert.equal(perMatcher.status, 200);
      assert.equal(perMatcher.json().id, matcherPath);
      assert.deepEqual(perMatcher.json().subscriptions, [pattern]);

      const one = await api(hub.origin, pattern.id, WATCH_ALL);
      assert.equal(one.status, 200);
      assert.deepEqual(one.json(), pattern);
      assert.equal((await api(hub.origin, `${matcherPath}/urn%3Auuid%3Anobody`, WATCH_ALL)).status, 404);
      a.close();
      b.close();
    } finally {
      await hub.stop();
    }
  });

  test('401 without a token, 403 insufficient_scope without the subscribe grant on the path', async () => {
    const hub = await start();
    try {
      const none = await api(hub.origin, SUBS);
      assert.equal(none.status, 401);
      assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer resource_metadata="[^"]+"$/);
      const other = await api(hub.origin, SUBS, watcherToken({ mercure: { subscribe: ['https://example.com/{x}'] } }));
      assert.equal(other.status, 403);
      assert.match(
        other.headers.get('www-authenticate') ?? '',
        /^Bearer error="insufficient_scope", resource_metadata="[^"]+"$/,
      );
      // A grant on one matcher's collection covers that path, not the whole collection.
      const path = `${SUBS}/exact/${expandVariable('urn:one')}`;
      const narrow = watcherToken({
        authorization_details: [
          {
            type: 'https://mercure.rocks/authorization-detail',
            actions: ['subscribe'],
            topics: [{ match: path, match_type: 'exact' }],
          },
        ],
      });
      assert.equal((await api(hub.origin, path, narrow)).status, 200);
      assert.equal((await api(hub.origin, SUBS, narrow)).status, 403);
      const everything = watcherToken({ mercure: { subscribe: ['*'] } });
      assert.equal((await api(hub.origin, SUBS, everything)).status, 200);
    } finally {
      await hub.stop();
    }
  });

  test('the snapshot and the events join at the Link last-event-id: nothing missed, nothing twice', async () => {
    const hub = await start();
    try {
      const first = await subscribe(url(hub.hubUrl, [['match', 'urn:join:1']]));
      let snapshot = await api(hub.origin, SUBS, WATCH_ALL);
      for (let i = 0; i < 100 && snapshot.json().subscriptions.length < 1; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        snapshot = await api(hub.origin, SUBS, WATCH_ALL);
      }
      const cursor = cursorOf(snapshot.headers);
      assert.ok(cursor !== undefined && cursor !== 'earliest');
      // Changes after the snapshot, before the client subscribes.
      const second = await subscribe(url(hub.hubUrl, [['match', 'urn:join:2']]));
      first.close();
      const watcher = await subscribe(
        url(hub.hubUrl, [
          ['match_urlpattern', `${SUBS}/*`],
          ['last_event_id', cursor],
        ]),
        { authorization: `Bearer ${WATCH_ALL}` },
      );
      const events = (await watcher.waitForEvents(3)).filter((e) => e.event === 'mercure');
      const changes = events.map((e) => JSON.parse(e.data)).map((d) => `${d.match}:${d.active}`);
      assert.deepEqual(changes.slice(0, 2), ['urn:join:2:true', 'urn:join:1:false']);
      second.close();
      watcher.close();
    } finally {
      await hub.stop();
    }
  });
});

describe('nodes that stop', () => {
  test("another node's subscriptions without heartbeats are expired with active: false", async () => {
    const log = new MemoryLog();
    const hub = await start({ eventLog: log, subscriptions: { heartbeat: 50 } });
    try {
      // A node that connected a subscriber, then died without a word: its event is in the shared log.
      const topic = subscriptionTopic('exact', 'urn:ghost', 'urn:uuid:00000000-0000-4000-8000-000000000000');
      const doc = { id: topic, type: 'subscription', match_type: 'exact', match: 'urn:ghost' };
      await log.append({
        id: 'urn:uuid:ghost-connect',
        topics: [topic],
        data: JSON.stringify({
          ...doc,
          subscriber: 'urn:uuid:00000000-0000-4000-8000-000000000000',
          active: true,
          node: 'urn:uuid:dead-node',
        }),
        private: true,
        event: 'mercure',
        publishedAt: Date.now(),
      });
      const watcher = await subscribe(url(hub.hubUrl, [['match', topic]]), { authorization: `Bearer ${WATCH_ALL}` });
      await watcher.waitFor(() => watcher.events.some((e) => JSON.parse(e.data).active === false), 'the expiry event');
      const expired = JSON.parse(watcher.events.find((e) => e.event === 'mercure')!.data);
      assert.equal(expired.id, topic);
      assert.equal((await api(hub.origin, topic, WATCH_ALL)).status, 404);
      watcher.close();
    } finally {
      await hub.stop();
    }
  });

  test('a node whose live subscription was expired by another node announces it again', async () => {
    const log = new MemoryLog();
    const hub = await start({ eventLog: log });
    try {
      const seen: { active: boolean; id: string }[] = [];
      hub.hub.onUpdate((update) => {
        if (update.event === 'mercure' && update.data.includes('urn:comeback')) seen.push(JSON.parse(update.data));
      });
      const member = await subscribe(url(hub.hubUrl, [['match', 'urn:comeback']]));
      await member.waitFor(() => true, 'open');
      for (let i = 0; i < 100 && seen.length < 1; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      const announced = seen[0]!;
      // Another node wrongly took this one for dead (it had lost the log for a while).
      await log.append({
        id: 'urn:uuid:wrong-expiry',
        topics: [announced.id],
        data: JSON.stringify({ ...announced, active: false }),
        private: true,
        event: 'mercure',
        publishedAt: Date.now(),
      });
      for (let i = 0; i < 100 && seen.length < 3; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual(
        seen.map((doc) => doc.active),
        [true, false, true],
      );
      assert.equal((await api(hub.origin, announced.id, WATCH_ALL)).status, 200);
      member.close();
    } finally {
      await hub.stop();
    }
  });

  test('a hub that closes publishes the disconnects of its subscribers', async () => {
    // The hub closes the log it was given: a second handle on one log is not possible with MemoryLog,
    // so the listener records what reaches the feed before the log closes.
    const hub = await start();
    const seen: string[] = [];
    hub.hub.onUpdate((update) => {
      if (update.event === 'mercure') seen.push(`${JSON.parse(update.data).match}:${JSON.parse(update.data).active}`);
    });
    const member = await subscribe(url(hub.hubUrl, [['match', 'urn:closing']]));
    for (let i = 0; i < 100 && seen.length < 1; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    await hub.stop();
    assert.deepEqual(seen, ['urn:closing:true', 'urn:closing:false']);
    member.close();
  });
});

describe('limits and the CLI', () => {
  test('a collection answer holds at most MAX_SUBSCRIPTIONS_PER_RESPONSE subscriptions', async () => {
    const log = new MemoryLog({ maxCount: MAX_SUBSCRIPTIONS_PER_RESPONSE + 10 });
    // Subscriptions known from the log (as from other nodes): cheaper than that many connections.
    for (let i = 0; i <= MAX_SUBSCRIPTIONS_PER_RESPONSE; i++) {
      const subscriber = `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      const topic = subscriptionTopic('exact', 'urn:many', subscriber);
      await log.append({
        id: `urn:uuid:many-${i}`,
        topics: [topic],
        data: JSON.stringify({
          id: topic,
          type: 'subscription',
          match_type: 'exact',
          match: 'urn:many',
          subscriber,
          active: true,
          node: 'urn:uuid:many-node',
        }),
        private: true,
        event: 'mercure',
        publishedAt: Date.now(),
      });
    }
    const hub = await start({ eventLog: log });
    try {
      const all = await api(hub.origin, SUBS, WATCH_ALL);
      assert.equal(all.json().subscriptions.length, MAX_SUBSCRIPTIONS_PER_RESPONSE);
      assert.equal(cursorOf(all.headers), `urn:uuid:many-${MAX_SUBSCRIPTIONS_PER_RESPONSE}`);
    } finally {
      await hub.stop();
    }
  });

  test('the CLI serves the API with TIDINGS_SUBSCRIPTIONS=true, and not without it', async () => {
    const on = await startHub(['--jwt-key', KEY, '--anonymous'], { TIDINGS_SUBSCRIPTIONS: 'true' });
    const off = await startHub(['--jwt-key', KEY, '--anonymous']);
    try {
      const answer = await api(on.url, SUBS, WATCH_ALL);
      assert.equal(answer.status, 200, answer.text);
      assert.equal(cursorOf(answer.headers), 'earliest');
      assert.equal((await api(off.url, SUBS, WATCH_ALL)).status, 404);
    } finally {
      await Promise.all([on.stop(), off.stop()]);
    }
  });
});
