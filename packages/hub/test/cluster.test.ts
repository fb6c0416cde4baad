// Several `tidings hub` processes on one Redis act as one hub: one order everywhere, exactly once,
// replay on any node, private updates as on one node, and nothing lost when a node is killed.
// Real processes on the machine's Redis (TIDINGS_TEST_REDIS_URL), each test with a key prefix of its own.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClient } from 'redis';
import { deletePrefix } from '../../../test-support/redis-test-keys.ts';
import { KEY, type RunningHub, startHub } from './support/hub-process.ts';
import { PUBLISH_ALL, publish, type Subscription, subscribe, token, url } from './support/sse.ts';

const REDIS_URL = process.env.TIDINGS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const publisher = token(PUBLISH_ALL);
const prefixes: string[] = [];

/** Two (or more) hubs on the same Redis store and key prefix. */
async function cluster(count = 2): Promise<RunningHub[]> {
  const prefix = `tidings-test:cluster:${process.pid}:${prefixes.length}:`;
  prefixes.push(prefix);
  const store = `${REDIS_URL}?prefix=${encodeURIComponent(prefix)}`;
  return Promise.all(
    Array.from({ length: count }, () => startHub(['--jwt-key', KEY, '--anonymous', '--store', store])),
  );
}

async function send(hub: RunningHub, topic: string, data: string, extra: [string, string][] = []): Promise<string> {
  const answer = await publish(hub.hubUrl, [['topic', topic], ['data', data], ...extra], { token: publisher });
  assert.equal(answer.status, 200, answer.body);
  return answer.body;
}

const messages = (sub: Subscription) => sub.events.filter((e) => e.event !== 'tidings-replay');

before(async () => {
  // Fail, not skip, when Redis is missing: these tests are the cluster contract.
  const client = createClient({ url: REDIS_URL });
  await client.connect();
  await client.quit();
});

after(async () => {
  for (const prefix of prefixes) await deletePrefix(REDIS_URL, prefix);
});

describe('cluster: several hubs on one Redis act as one', () => {
  test('updates published to either node reach every subscriber on every node once, in one order', async () => {
    const hubs = await cluster(2);
    try {
      const topic = 'urn:cluster:order';
      const subs = await Promise.all([0, 0, 1, 1].map((i) => subscribe(url(hubs[i]!.hubUrl, [['topic', topic]]))));
      const ids: string[] = [];
      // Each publish after the previous got its 200, alternating nodes.
      for (let i = 0; i < 40; i++) ids.push(await send(hubs[i % 2]!, topic, String(i)));
      for (const sub of subs) {
        const events = await sub.waitForEvents(40);
        assert.deepEqual(
          events.map((e) => e.data),
          Array.from({ length: 40 }, (_, i) => String(i)),
        );
        assert.deepEqual(
          events.map((e) => e.lastEventId),
          ids,
        );
        sub.close();
      }
    } finally {
      await Promise.all(hubs.map((hub) => hub.stop()));
    }
  });

  test('a subscriber that reconnects to the other node with its Last-Event-ID resumes with no gap and no duplicate', async () => {
    const hubs = await cluster(2);
    try {
      const topic = 'urn:cluster:move';
      const first = await subscribe(url(hubs[0]!.hubUrl, [['topic', topic]]));
      for (let i = 0; i < 5; i++) await send(hubs[i % 2]!, topic, String(i));
      await first.waitForEvents(5);
      const lastSeen = first.events.at(-1)!.lastEventId;
      first.close();
      for (let i = 5; i < 10; i++) await send(hubs[i % 2]!, topic, String(i));
      const moved = await subscribe(url(hubs[1]!.hubUrl, [['topic', topic]]), { 'last-event-id': lastSeen });
      assert.equal(moved.headers.get('last-event-id'), lastSeen);
      await moved.waitFor(() => messages(moved).length === 5, 'the missed updates');
      await send(hubs[0]!, topic, 'live');
      await moved.waitFor(() => messages(moved).length === 6, 'the live update');
      assert.deepEqual(
        messages(moved).map((e) => e.data),
        ['5', '6', '7', '8', '9', 'live'],
      );
      moved.close();
    } finally {
      await Promise.all(hubs.map((hub) => hub.stop()));
    }
  });

  test('private updates reach only authorized subscribers, whichever node they are on; duplicate ids are refused on any node', async () => {
    const hubs = await cluster(2);
    try {
      const topic = 'https://example.com/users/ann';
      const ann = await subscribe(url(hubs[1]!.hubUrl, [['topic', topic]]), {
        authorization: `Bearer ${token({ mercure: { subscribe: [topic] } })}`,
      });
      const anonymous = await subscribe(url(hubs[1]!.hubUrl, [['topic', topic]]));
      await send(hubs[0]!, topic, 'secret', [['private', 'on']]);
      await send(hubs[0]!, topic, 'public');
      await ann.waitForEvents(2);
      await anonymous.waitForEvents(1);
      assert.deepEqual(
        ann.events.map((e) => e.data),
        ['secret', 'public'],
      );
      assert.deepEqual(
        anonymous.events.map((e) => e.data),
        ['public'],
      );
      await send(hubs[0]!, topic, 'mine', [['id', 'urn:cluster:unique']]);
      const again = await publish(
        hubs[1]!.hubUrl,
        [
          ['topic', topic],
          ['id', 'urn:cluster:unique'],
        ],
        {
          token: publisher,
        },
      );
      assert.equal(again.status, 409);
      ann.close();
      anonymous.close();
    } finally {
      await Promise.all(hubs.map((hub) => hub.stop()));
    }
  });

  test('a node killed with SIGKILL loses nothing that got a 200; its subscribers resume on the other node', async () => {
    const hubs = await cluster(2);
    const [doomed, survivor] = hubs as [RunningHub, RunningHub];
    try {
      const topic = 'urn:cluster:kill';
      const onSurvivor = await subscribe(url(survivor.hubUrl, [['topic', topic]]));
      const onDoomed = await subscribe(url(doomed.hubUrl, [['topic', topic]]));
      const acknowledged: string[] = [];
      let stop = false;
      // Two publishers, one per node, until the kill; only 200s count.
      const publishers = hubs.map(async (hub, n) => {
        for (let i = 0; !stop; i++) {
          const answer = await publish(
            hub.hubUrl,
            [
              ['topic', topic],
              ['data', `${n}-${i}`],
            ],
            { token: publisher },
          ).catch(() => null);
          if (answer?.status === 200) acknowledged.push(answer.body);
          else if (hub === doomed) return;
        }
      });
      await onDoomed.waitForEvents(20);
      doomed.child.kill('SIGKILL');
      await doomed.stop();
      await new Promise((resolve) => setTimeout(resolve, 200));
      stop = true;
      await Promise.all(publishers);
      await onSurvivor.waitFor(
        () => acknowledged.every((id) => onSurvivor.events.some((e) => e.lastEventId === id)),
        'every acknowledged update on the survivor',
      );
      const survivorIds = onSurvivor.events.map((e) => e.lastEventId);
      assert.equal(new Set(survivorIds).size, survivorIds.length, 'each update once');
      // The dead node's subscriber reconnects to the survivor with the last id it saw.
      const lastSeen = onDoomed.events.at(-1)!.lastEventId;
      const resumed = await subscribe(url(survivor.hubUrl, [['topic', topic]]), { 'last-event-id': lastSeen });
      const missed = survivorIds.slice(survivorIds.indexOf(lastSeen) + 1);
      await resumed.waitFor(() => messages(resumed).length >= missed.length, 'the rest');
      assert.deepEqual(
        messages(resumed).map((e) => e.lastEventId),
        missed,
      );
      assert.deepEqual(
        [...onDoomed.events.map((e) => e.lastEventId), ...missed],
        survivorIds,
        'what the dead node delivered, then the replay: the same order as the survivor',
      );
      onSurvivor.close();
      onDoomed.close();
      resumed.close();
    } finally {
      await Promise.all(hubs.map((hub) => hub.stop()));
    }
  });
});

describe('cluster: --workers N on one machine', () => {
  test('two worker processes share the port and one Redis store: every subscriber gets every update once, in order', async () => {
    const prefix = `tidings-test:workers:${process.pid}:`;
    prefixes.push(prefix);
    const store = `${REDIS_URL}?prefix=${encodeURIComponent(prefix)}`;
    const hub = await startHub(['--jwt-key', KEY, '--anonymous', '--store', store, '--workers', '2']);
    try {
      await hub.waitForLog((line) => line.msg === 'supervising workers');
      // Both workers listen on the one port.
      await new Promise<void>((resolve, reject) => {
        const check = setInterval(() => {
          const listening = hub.logs.filter((line) => line.msg === 'listening').map((line) => line.url);
          if (listening.length === 2) {
            clearInterval(check);
            if (listening[0] === listening[1]) resolve();
            else reject(new Error(`workers on different URLs: ${listening.join(', ')}`));
          }
        }, 50);
      });
      const topic = 'urn:workers';
      // Each subscription is a new connection: node:cluster spreads them over the workers.
      const subs = await Promise.all(Array.from({ length: 6 }, () => subscribe(url(hub.hubUrl, [['topic', topic]]))));
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) ids.push(await send(hub, topic, String(i)));
      for (const sub of subs) {
        assert.deepEqual(
          (await sub.waitForEvents(20)).map((e) => e.lastEventId),
          ids,
        );
        sub.close();
      }
    } finally {
      assert.equal(await hub.stop(), 0, 'SIGTERM stops the workers and the supervisor cleanly');
    }
  });
});
