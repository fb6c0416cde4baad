// Active subscriptions in a cluster: two `tidings hub --subscriptions` processes on one Redis (a key
// prefix of this test's own) show each other's subscriptions, and a node killed without a word has its
// subscriptions expired by the other.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { deletePrefix } from '../../../test-support/redis-test-keys.ts';
import { KEY, type RunningHub, startHub } from './support/hub-process.ts';
import { subscribe, token, url } from './support/sse.ts';

const REDIS_URL = process.env.TIDINGS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SUBS = '/.well-known/mercure/subscriptions';
const WATCH_ALL = token({ mercure: { subscribe: ['*'] } });
const prefixes: string[] = [];

async function cluster(): Promise<RunningHub[]> {
  const prefix = `tidings-test:subscriptions:${process.pid}:${prefixes.length}:`;
  prefixes.push(prefix);
  const store = `${REDIS_URL}?prefix=${encodeURIComponent(prefix)}`;
  const args = ['--jwt-key', KEY, '--anonymous', '--store', store, '--subscriptions', '--subscriptions-heartbeat', '1'];
  return Promise.all([startHub(args), startHub(args)]);
}

async function listed(hub: RunningHub, match: string): Promise<{ subscriber: string; node: string }[]> {
  const response = await fetch(`${hub.url}${SUBS}`, { headers: { authorization: `Bearer ${WATCH_ALL}` } });
  assert.equal(response.status, 200);
  const body = (await response.json()) as { subscriptions: { match: string; subscriber: string; node: string }[] };
  return body.subscriptions.filter((s) => s.match === match);
}

/** Polls the API until `done` holds (the other node's events arrive through Redis). */
async function until(what: string, done: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await done()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

after(async () => {
  for (const prefix of prefixes) await deletePrefix(REDIS_URL, prefix);
});

describe('active subscriptions in a cluster', () => {
  test("every node's subscriptions are visible from every node, events included", async () => {
    const [a, b] = await cluster();
    try {
      const watcher = await subscribe(url(b!.hubUrl, [['match_urlpattern', `${SUBS}/exact/*`]]), {
        authorization: `Bearer ${WATCH_ALL}`,
      });
      const member = await subscribe(url(a!.hubUrl, [['match', 'urn:cluster:member']]));
      await watcher.waitFor(() => watcher.events.length >= 1, 'the connect event from the other node');
      const joined = JSON.parse(watcher.events[0]!.data);
      assert.equal(joined.match, 'urn:cluster:member');
      assert.equal(joined.active, true);
      await until(
        'node B lists the subscriber of node A',
        async () => (await listed(b!, 'urn:cluster:member')).length === 1,
      );
      assert.deepEqual(await listed(a!, 'urn:cluster:member'), await listed(b!, 'urn:cluster:member'));
      member.close();
      await watcher.waitFor(() => watcher.events.length >= 2, 'the disconnect event');
      assert.equal(JSON.parse(watcher.events[1]!.data).active, false);
      await until('node B drops it', async () => (await listed(b!, 'urn:cluster:member')).length === 0);
      watcher.close();
    } finally {
      await Promise.all([a!.stop(), b!.stop()]);
    }
  });

  test('a node killed without publishing disconnects has its subscriptions expired by the others', async () => {
    const [a, b] = await cluster();
    try {
      const member = await subscribe(url(a!.hubUrl, [['match', 'urn:cluster:ghost']]));
      await until('node B lists it', async () => (await listed(b!, 'urn:cluster:ghost')).length === 1);
      const watcher = await subscribe(url(b!.hubUrl, [['match_urlpattern', `${SUBS}/exact/*`]]), {
        authorization: `Bearer ${WATCH_ALL}`,
      });
      await a!.stop('SIGKILL');
      member.close();
      await watcher.waitFor(
        () => watcher.events.some((e) => JSON.parse(e.data).match === 'urn:cluster:ghost'),
        'the expiry event',
        20_000,
      );
      const expired = JSON.parse(watcher.events.find((e) => JSON.parse(e.data).match === 'urn:cluster:ghost')!.data);
      assert.equal(expired.active, false);
      assert.deepEqual(await listed(b!, 'urn:cluster:ghost'), []);
      watcher.close();
    } finally {
      await b!.stop();
    }
  });
});
