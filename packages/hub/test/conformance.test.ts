// The Mercure 0.x conformance cases, over real HTTP against the started CLI: anonymous subscribers, the
// key !ChangeThisMercureHubJWTSecretKey!, raw-string topics, URIs, URI templates, several topics and
// selectors, private updates withheld from anonymous subscribers.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { KEY, type RunningHub, startHub } from './support/hub-process.ts';
import { PUBLISH_ALL, publish, subscribe, token, url } from './support/sse.ts';

let hub: RunningHub;
const publisher = token(PUBLISH_ALL);

before(async () => {
  hub = await startHub(['--jwt-key', KEY, '--anonymous']);
});
after(async () => {
  assert.equal(await hub.stop(), 0);
});

async function roundTrip(selectors: string[], topics: string[], extra: [string, string][] = []) {
  const sub = await subscribe(
    url(
      hub.hubUrl,
      selectors.map((s) => ['topic', s]),
    ),
  );
  assert.equal(sub.status, 200);
  const data = `payload-${Math.random()}`;
  const answer = await publish(
    hub.hubUrl,
    [...topics.map((t): [string, string] => ['topic', t]), ['data', data], ...extra],
    {
      token: publisher,
    },
  );
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
    assert.equal(event!.type, 'message');
    sub.close();
  });

  test('URI topics and URI template selectors', async () => {
    const { sub, data } = await roundTrip(['https://example.com/books/{id}'], ['https://example.com/books/1']);
    assert.equal((await sub.waitForEvents(1))[0]!.data, data);
    sub.close();
  });

  test('a template does not select topics outside it; exact URIs select only themselves', async () => {
    const template = await subscribe(url(hub.hubUrl, [['topic', 'https://example.com/books/{id}']]));
    const exact = await subscribe(url(hub.hubUrl, [['topic', 'https://example.com/books/1']]));
    await publish(
      hub.hubUrl,
      [
        ['topic', 'https://example.com/authors/1'],
        ['data', 'author'],
      ],
      { token: publisher },
    );
    await publish(
      hub.hubUrl,
      [
        ['topic', 'https://example.com/books/2'],
        ['data', 'book2'],
      ],
      { token: publisher },
    );
    await publish(
      hub.hubUrl,
      [
        ['topic', 'https://example.com/books/1'],
        ['data', 'book1'],
      ],
      { token: publisher },
    );
    assert.deepEqual(
      (await template.waitForEvents(2)).map((e) => e.data),
      ['book2', 'book1'],
    );
    assert.deepEqual(
      (await exact.waitForEvents(1)).map((e) => e.data),
      ['book1'],
    );
    // The last publish arrived, so nothing else is still on its way: the others were never sent.
    assert.equal(template.events.length, 2);
    assert.equal(exact.events.length, 1);
    template.close();
    exact.close();
  });

  test('several selectors on one subscription; an update matched twice arrives once', async () => {
    const sub = await subscribe(
      url(hub.hubUrl, [
        ['topic', 'bar'],
        ['topic', 'https://example.com/foo'],
        ['topic', 'https://example.com/bar/{id}'],
        ['topic', 'https://example.com/bar/1'],
      ]),
    );
    for (const topic of ['https://example.com/foo', 'nope', 'bar', 'https://example.com/bar/1']) {
      await publish(
        hub.hubUrl,
        [
          ['topic', topic],
          ['data', topic],
        ],
        { token: publisher },
      );
    }
    await sub.waitForEvents(3);
    await publish(
      hub.hubUrl,
      [
        ['topic', 'bar'],
        ['data', 'last'],
      ],
      { token: publisher },
    );
    await sub.waitForEvents(4);
    assert.deepEqual(
      sub.events.map((e) => e.data),
      ['https://example.com/foo', 'bar', 'https://example.com/bar/1', 'last'],
    );
    sub.close();
  });

  test('several topics on one update: subscribers of an alternate topic receive it', async () => {
    const sub = await subscribe(url(hub.hubUrl, [['topic', 'https://example.com/alternate']]));
    const answer = await publish(
      hub.hubUrl,
      [
        ['topic', 'https://example.com/canonical'],
        ['topic', 'https://example.com/alternate'],
        ['data', 'both'],
      ],
      { token: publisher },
    );
    const [event] = await sub.waitForEvents(1);
    assert.equal(event!.data, 'both');
    assert.equal(event!.lastEventId, answer.body);
    sub.close();
  });

  test('* selects every topic', async () => {
    const sub = await subscribe(url(hub.hubUrl, [['topic', '*']]));
    await publish(
      hub.hubUrl,
      [
        ['topic', 'anything'],
        ['data', 'a'],
      ],
      { token: publisher },
    );
    await publish(
      hub.hubUrl,
      [
        ['topic', 'https://else.example/x'],
        ['data', 'b'],
      ],
      { token: publisher },
    );
    assert.deepEqual(
      (await sub.waitForEvents(2)).map((e) => e.data),
      ['a', 'b'],
    );
    sub.close();
  });

  test('private updates are withheld from anonymous subscribers and delivered to authorized ones', async () => {
    const topic = 'https://example.com/private/1';
    const anonymous = await subscribe(url(hub.hubUrl, [['topic', topic]]));
    const authorized = await subscribe(url(hub.hubUrl, [['topic', topic]]), {
      authorization: `Bearer ${token({ mercure: { subscribe: ['https://example.com/private/{id}'] } })}`,
    });
    const wrongGrant = await subscribe(url(hub.hubUrl, [['topic', topic]]), {
      authorization: `Bearer ${token({ mercure: { subscribe: ['https://example.com/other'] } })}`,
    });
    await publish(
      hub.hubUrl,
      [
        ['topic', topic],
        ['data', 'secret'],
        ['private', 'on'],
      ],
      { token: publisher },
    );
    await publish(
      hub.hubUrl,
      [
        ['topic', topic],
        ['data', 'public'],
      ],
      { token: publisher },
    );
    assert.deepEqual(
      (await authorized.waitForEvents(2)).map((e) => e.data),
      ['secret', 'public'],
    );
    assert.deepEqual(
      (await anonymous.waitForEvents(1)).map((e) => e.data),
      ['public'],
    );
    assert.deepEqual(
      (await wrongGrant.waitForEvents(1)).map((e) => e.data),
      ['public'],
    );
    for (const sub of [anonymous, authorized, wrongGrant]) sub.close();
  });

  test('private: an empty "private" field still makes the update private', async () => {
    const topic = 'urn:private-empty';
    const anonymous = await subscribe(url(hub.hubUrl, [['topic', topic]]));
    await publish(
      hub.hubUrl,
      [
        ['topic', topic],
        ['data', 'secret'],
        ['private', ''],
      ],
      { token: publisher },
    );
    await publish(
      hub.hubUrl,
      [
        ['topic', topic],
        ['data', 'public'],
      ],
      { token: publisher },
    );
    assert.deepEqual(
      (await anonymous.waitForEvents(1)).map((e) => e.data),
      ['public'],
    );
    anonymous.close();
  });

  test('the 0.x alternate-topic grant: a private update reaches a subscriber granted only its alternate topic', async () => {
    const grant = token({ mercure: { subscribe: ['https://example.com/users/foo/{?topic}'] } });
    const sub = await subscribe(url(hub.hubUrl, [['topic', 'https://example.com/books/{id}']]), {
      cookie: `mercureAuthorization=${grant}`,
    });
    await publish(
      hub.hubUrl,
      [
        ['topic', 'https://example.com/books/1'],
        ['topic', 'https://example.com/users/foo/?topic=https%3A%2F%2Fexample.com%2Fbooks%2F1'],
        ['data', 'for foo'],
        ['private', 'on'],
      ],
      { token: publisher },
    );
    await publish(
      hub.hubUrl,
      [
        ['topic', 'https://example.com/books/2'],
        ['data', 'not for foo'],
        ['private', 'on'],
      ],
      {
        token: publisher,
      },
    );
    await publish(
      hub.hubUrl,
      [
        ['topic', 'https://example.com/books/3'],
        ['data', 'public'],
      ],
      { token: publisher },
    );
    assert.deepEqual(
      (await sub.waitForEvents(2)).map((e) => e.data),
      ['for foo', 'public'],
    );
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
    const multi = await subscribe(url(hub.hubUrl, [['topic', 'urn:multi']]));
    await publish(
      hub.hubUrl,
      [
        ['topic', 'urn:multi'],
        ['data', 'one\ntwo\r\nthree\rfour'],
      ],
      { token: publisher },
    );
    const [event] = await multi.waitForEvents(1);
    assert.equal(event!.data, 'one\ntwo\nthree\nfour');
    assert.ok(multi.raw().includes('data: one\ndata: two\ndata: three\ndata: four\n\n'));
    sub.close();
    multi.close();
  });

  test('an update without data still dispatches (an empty data line)', async () => {
    const sub = await subscribe(url(hub.hubUrl, [['topic', 'urn:nodata']]));
    await publish(hub.hubUrl, [['topic', 'urn:nodata']], { token: publisher });
    assert.equal((await sub.waitForEvents(1))[0]!.data, '');
    sub.close();
  });
});
