// The dashboard's topic list with active subscriptions on: it comes from the subscription API's data
// (so another node's subscriptions show), with the same name-hiding rules as without. Real HTTP.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryLog } from '@tidings/server';
import { subscriptionTopic } from '../src/subscriptions/subscription-topic.ts';
import { startDashboardHub, until } from './dashboard-support.ts';
import { KEY } from './support/hub-process.ts';
import { subscribe, token, url } from './support/sse.ts';

interface View {
  topics: { selector: string; subscribers: number }[];
  topicsNotShown: number;
  topicsSource: string;
}

async function view(base: string, bearer?: string): Promise<View> {
  const response = await fetch(`${base}/dashboard/stats.json`, {
    headers: bearer === undefined ? {} : { authorization: `Bearer ${bearer}` },
  });
  assert.equal(response.status, 200);
  return (await response.json()) as View;
}

test("the topic list is every node's active subscriptions, names shown only to a publisher allowed them", async () => {
  const log = new MemoryLog();
  const running = await startDashboardHub({
    eventLog: log,
    subscriptions: true,
    publisherKey: { key: KEY },
    subscriberKey: { key: KEY },
    anonymous: true,
  });
  try {
    // A subscriber of another node: known only from its subscription event in the shared log.
    const subscriber = 'urn:uuid:11111111-1111-4111-8111-111111111111';
    const topic = subscriptionTopic('exact', 'urn:elsewhere', subscriber);
    await log.append({
      id: 'urn:uuid:elsewhere-connect',
      topics: [topic],
      data: JSON.stringify({
        id: topic,
        type: 'subscription',
        match_type: 'exact',
        match: 'urn:elsewhere',
        subscriber,
        active: true,
        node: 'urn:uuid:other-node',
      }),
      private: true,
      event: 'mercure',
      publishedAt: Date.now(),
    });
    const local = await subscribe(url(running.hubUrl, [['topic', 'urn:here']]));
    const all = token({ mercure: { publish: ['*'] } });
    await until(async () => (await view(running.url, all)).topics.length === 2, 'both subscriptions listed');
    const full = await view(running.url, all);
    assert.equal(full.topicsSource, 'subscriptions');
    assert.deepEqual(full.topics.map((t) => t.selector).sort(), ['urn:elsewhere', 'urn:here']);
    // The hiding rules stay: no token, counts only; a token for one topic, that one name.
    const anonymous = await view(running.url);
    assert.deepEqual(anonymous.topics, []);
    assert.equal(anonymous.topicsNotShown, 2);
    const one = await view(running.url, token({ mercure: { publish: ['urn:here'] } }));
    assert.deepEqual(one.topics, [{ selector: 'urn:here', subscribers: 1 }]);
    assert.equal(one.topicsNotShown, 1);
    local.close();
    await until(async () => (await view(running.url, all)).topics.length === 1, 'the local one gone');
  } finally {
    await running.close();
  }
});

test('without active subscriptions the list is the local registry', async () => {
  const running = await startDashboardHub({ anonymous: true });
  try {
    const local = await subscribe(url(running.hubUrl, [['topic', 'urn:here']]));
    await until(async () => (await view(running.url)).topics.length === 1, 'the subscriber listed');
    assert.equal((await view(running.url)).topicsSource, 'local');
    local.close();
  } finally {
    await running.close();
  }
});
