// The Mercure 0.x conformance cases, over real HTTP against the started CLI: anonymous subscribers, the
// key !ChangeThisMercureHubJWTSecretKey!, raw-string topics, URIs, URI templates, several topics and
// selectors, private updates withheld from anonymous subscribers.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { KEY, type RunningHub, startHub } from './support/hub-process.ts';
import { PUBLISH_ALL, publish, type Subscription, subscribe, token, url } from './support/sse.ts';

let hub: RunningHub;
const publisher = token(PUBLISH_ALL);

before(async () => {
  hub = await startHub(['--jwt-key', KEY, '--anonymous']);
});
after(async () => {
  assert.equal(await hub.stop(), 0);
});

type Fields = [string, string][];

/** Subscribes to one topic selector or several, with optional request headers (authorization, cookie). */
function subscribeTo(selectors: string | string[], headers: Record<string, string> = {}) {
  return subscribe(
    url(
      hub.hubUrl,
      [selectors].flat().map((s): [string, string] => ['topic', s]),
    ),
    headers,
  );
}

/** Publishes `data` on one topic or several as the test publisher; `extra` adds fields (private, type…). */
function publishUpdate(topics: string | string[], data: string, extra: Fields = []) {
  const fields: Fields = [...[topics].flat().map((t): [string, string] => ['topic', t]), ['data', data], ...extra];
  return publish(hub.hubUrl, fields, { token: publisher });
}

/** The data of the first `count` events `sub` receives. */
async function dataOf(sub: Subscription, count: number): Promise<string[]> {
  return (await sub.waitForEvents(count)).map((e) => e.data);
}

async function roundTrip(selectors: string[], topics: string[], extra: Fields = []) {
  const sub = await subscribeTo(selectors);
  assert.equal(sub.status, 200);
  const data = `payload-${Math.random()}`;
  const answer = await publishUpdate(topics, data, extra);
  return { sub, data, answer };
}

describe('Mercure 0.x conformance', () => {
  test('an anonymous subscriber receives a public update on a raw-string topic', async () => {
    const { sub, data, answer } = await roundTrip(['foo'], ['foo']);
    assert.equal(answer.status, 200);
    assert.match(answer.headers.get('content-type') ?? '', /^text\/plain/);
    const [event] = await sub.waitForEvents(1);
    assert.equal(event!.data, data);
    assert.equal(event!.lastEventId, answer.body, 'the SSE id is the id the publisher got back');
    assert.equal(event!.event, 'message');
    sub.close();
  });

  test('URI topics and URI template selectors', async () => {
    const { sub, data } = await roundTrip(['https://example.com/books/{id}'], ['https://example.com/books/1']);
    assert.equal((await sub.waitForEvents(1))[0]!.data, data);
    sub.close();
  });

  test('a template does not select topics outside it; exact URIs select only themselves', async () => {
    const template = await subscribeTo('https://example.com/books/{id}');
    const exact = await subscribeTo('https://example.com/books/1');
    await publishUpdate('https://example.com/authors/1', 'author');
    await publishUpdate('https://example.com/books/2', 'book2');
    await publishUpdate('https://example.com/books/1', 'book1');
    assert.deepEqual(await dataOf(template, 2), ['book2', 'book1']);
    assert.deepEqual(await dataOf(exact, 1), ['book1']);
    // The last publish arrived, so nothing else is still on its way: the others were never sent.
    assert.equal(template.events.length, 2);
    assert.equal(exact.events.length, 1);
    template.close();
    exact.close();
  });

  test('several selectors on one subscription; an update matched twice arrives once', async () => {
    const sub = await subscribeTo([
      'bar',
      'https://example.com/foo',
      'https://example.com/bar/{id}',
      'https://example.com/bar/1',
    ]);
    for (const topic of ['https://example.com/foo', 'nope', 'bar', 'https://example.com/bar/1']) {
      await publishUpdate(topic, topic);
    }
    await sub.waitForEvents(3);
    await publishUpdate('bar', 'last');
    await sub.waitForEvents(4);
    assert.deepEqual(
      sub.events.map((e) => e.data),
      ['https://example.com/foo', 'bar', 'https://example.com/bar/1', 'last'],
    );
    sub.close();
  });

  test('several topics on one update: subscribers of an alternate topic receive it', async () => {
    const sub = await subscribeTo('https://example.com/alternate');
    const answer = await publishUpdate(['https://example.com/canonical', 'https://example.com/alternate'], 'both');
    const [event] = await sub.waitForEvents(1);
    assert.equal(event!.data, 'both');
    assert.equal(event!.lastEventId, answer.body);
    sub.close();
  });

  test('* selects every topic', async () => {
    const sub = await subscribeTo('*');
    await publishUpdate('anything', 'a');
    await publishUpdate('https://else.example/x', 'b');
    assert.deepEqual(await dataOf(sub, 2), ['a', 'b']);
    sub.close();
  });

  test('private updates are withheld from anonymous subscribers and delivered to authorized ones', async () => {
    const topic = 'https://example.com/private/1';
    const anonymous = await subscribeTo(topic);
    const authorized = await subscribeTo(topic, {
      authorization: `Bearer ${token({ mercure: { subscribe: ['https://example.com/private/{id}'] } })}`,
    });
    const wrongGrant = await subscribeTo(topic, {
      authorization: `Bearer ${token({ mercure: { subscribe: ['https://example.com/other'] } })}`,
    });
    await publishUpdate(topic, 'secret', [['private', 'on']]);
    await publishUpdate(topic, 'public');
    assert.deepEqual(await dataOf(authorized, 2), ['secret', 'public']);
    assert.deepEqual(await dataOf(anonymous, 1), ['public']);
    assert.deepEqual(await dataOf(wrongGrant, 1), ['public']);
    for (const sub of [anonymous, authorized, wrongGrant]) sub.close();
  });

  test('private: an empty "private" field still makes the update private', async () => {
    const topic = 'urn:private-empty';
    const anonymous = await subscribeTo(topic);
    await publishUpdate(topic, 'secret', [['private', '']]);
    await publishUpdate(topic, 'public');
    assert.deepEqual(await dataOf(anonymous, 1), ['public']);
    anonymous.close();
  });

  test('the 0.x alternate-topic grant: a private update reaches a subscriber granted only its alternate topic', async () => {
    const grant = token({ mercure: { subscribe: ['https://example.com/users/foo/{?topic}'] } });
    const sub = await subscribeTo('https://example.com/books/{id}', { cookie: `mercureAuthorization=${grant}` });
    await publishUpdate(
      ['https://example.com/books/1', 'https://example.com/users/foo/?topic=https%3A%2F%2Fexample.com%2Fbooks%2F1'],
      'for foo',
      [['private', 'on']],
    );
    await publishUpdate('https://example.com/books/2', 'not for foo', [['private', 'on']]);
    await publishUpdate('https://example.com/books/3', 'public');
    assert.deepEqual(await dataOf(sub, 2), ['for foo', 'public']);
    sub.close();
  });

  test('each event carries id, event, retry and one data line per line of data', async () => {
    const { sub, answer } = await roundTrip(
      ['urn:format'],
      ['urn:format'],
      [
        ['type', 'greeting'],
        ['retry', '2500'],
      ],
    );
    await sub.waitForEvents(1);
    assert.equal(answer.status, 200);
    assert.ok(sub.raw().includes(`id: ${answer.body}\nevent: greeting\nretry: 2500\ndata: payload-`), sub.raw());
    const multi = await subscribeTo('urn:multi');
    await publishUpdate('urn:multi', 'one\ntwo\r\nthree\rfour');
    const [event] = await multi.waitForEvents(1);
    assert.equal(event!.data, 'one\ntwo\nthree\nfour');
    assert.ok(multi.raw().includes('data: one\ndata: two\ndata: three\ndata: four\n\n'));
    sub.close();
    multi.close();
  });

  test('an update without data still dispatches (an empty data line)', async () => {
    const sub = await subscribeTo('urn:nodata');
    // No data field at all, so publish() directly rather than publishUpdate().
    await publish(hub.hubUrl, [['topic', 'urn:nodata']], { token: publisher });
    assert.equal((await sub.waitForEvents(1))[0]!.data, '');
    sub.close();
  });
});
