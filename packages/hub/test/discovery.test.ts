// Hub discovery (draft-08 "Hub Discovery") end to end over real HTTP: a publisher app built with
// @tidings/server's mercureLink advertises the started hub and its last event id; a subscriber finds the
// hub in the Link header, subscribes with that id as `last_event_id`, and misses nothing published between.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { mercureLink } from '@tidings/server';
import { KEY, type RunningHub, startHub } from './support/hub-process.ts';
import { PUBLISH_ALL, publish, subscribe, token } from './support/sse.ts';

let hub: RunningHub;
before(async () => {
  hub = await startHub(['--jwt-key', KEY, '--anonymous']);
});
after(async () => {
  assert.equal(await hub.stop(), 0);
});

test('a subscriber discovers the hub and the last event id from the Link header, then replays the gap', async () => {
  const topic = 'https://example.com/books/discovery';
  let lastEventId = '';
  const update = async (data: string) => {
    const answer = await publish(
      hub.hubUrl,
      [
        ['topic', topic],
        ['data', data],
      ],
      { token: token(PUBLISH_ALL) },
    );
    assert.equal(answer.status, 200);
    return answer.body;
  };
  lastEventId = await update('version 1');
  const app = createServer((_req, res) => {
    res.writeHead(200, {
      'content-type': 'application/json',
      link: mercureLink(hub.hubUrl, { lastEventId, contentType: 'application/merge-patch+json' }),
    });
    res.end('{"title":"version 1"}');
  }).listen(0, '127.0.0.1');
  await once(app, 'listening');
  try {
    const resource = await fetch(`http://127.0.0.1:${(app.address() as AddressInfo).port}/books/discovery`);
    await resource.text();
    const link = resource.headers.get('link') ?? '';
    const found = /^<([^>]+)>; rel="mercure"; last-event-id="([^"]+)"; content-type="([^"]+)"$/.exec(link);
    assert.ok(found, link);
    const [, hubUrl, advertisedId, contentType] = found;
    assert.equal(hubUrl, hub.hubUrl);
    assert.equal(contentType, 'application/merge-patch+json');
    // Published after the resource was generated, before the subscriber connects: must not be lost.
    await update('version 2');
    const target = new URL(hubUrl!);
    target.searchParams.set('match', topic);
    target.searchParams.set('last_event_id', advertisedId!);
    const sub = await subscribe(target.href);
    assert.equal(sub.status, 200);
    assert.equal(sub.headers.get('mercure-last-event-id'), advertisedId);
    await update('version 3');
    await sub.waitFor(() => sub.events.filter((e) => e.event === 'message').length >= 2, 'two updates');
    assert.deepEqual(
      sub.events.filter((e) => e.event === 'message').map((e) => e.data),
      ['version 2', 'version 3'],
    );
    sub.close();
  } finally {
    app.closeAllConnections();
    app.close();
  }
});
