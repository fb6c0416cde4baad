// Publishing over HTTP against the started CLI: every status of the contract, form and JSON bodies.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { KEY, type RunningHub, startHub } from './support/hub-process.ts';
import { PUBLISH_ALL, publish, subscribe, token, url } from './support/sse.ts';

const MAX_BODY = 4096;
let hub: RunningHub;
const publisher = token(PUBLISH_ALL);

before(async () => {
  hub = await startHub([
    '--jwt-key',
    KEY,
    '--anonymous',
    '--max-body',
    String(MAX_BODY),
    '--cors-origins',
    'http://app.test',
  ]);
});
after(async () => {
  assert.equal(await hub.stop(), 0);
  // A token is never echoed in a log.
  assert.ok(!hub.output().includes(publisher.split('.')[2]!), 'no token in the logs');
});

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('publish: success', () => {
  test('200, text/plain, the body is the generated urn:uuid id', async () => {
    const answer = await publish(
      hub.hubUrl,
      [
        ['topic', 'urn:a'],
        ['data', 'x'],
      ],
      { token: publisher },
    );
    assert.equal(answer.status, 200);
    assert.match(answer.headers.get('content-type')!, /^text\/plain/);
    assert.match(answer.body, /^urn:uuid:[0-9a-f-]{36}$/);
  });

  test('a publisher-supplied id is used; reusing it while in history is 409', async () => {
    const id = `urn:mine:${Math.random()}`;
    assert.deepEqual(
      await publish(
        hub.hubUrl,
        [
          ['topic', 'urn:a'],
          ['id', id],
        ],
        { token: publisher },
      ).then((a) => [a.status, a.body]),
      [200, id],
    );
    const again = await publish(
      hub.hubUrl,
      [
        ['topic', 'urn:a'],
        ['id', id],
      ],
      { token: publisher },
    );
    assert.equal(again.status, 409);
    assert.match(again.body, /already/);
  });

  test('JSON bodies with the same fields; topic as a string or an array', async () => {
    const sub = await subscribe(url(hub.hubUrl, [['topic', 'urn:json-alt']]));
    const post = (body: unknown) =>
      fetch(hub.hubUrl, {
        method: 'POST',
        headers: { authorization: `Bearer ${publisher}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const one = await post({ topic: 'urn:json-alt', data: 'single', type: 't', retry: 100 });
    assert.equal(one.status, 200);
    const two = await post({ topic: ['urn:json-canonical', 'urn:json-alt'], data: 'array', id: 'urn:json:1' });
    assert.equal(await two.text(), 'urn:json:1');
    const events = await sub.waitForEvents(2);
    assert.deepEqual(
      events.map((e) => [e.event, e.data]),
      [
        ['t', 'single'],
        ['message', 'array'],
      ],
    );
    assert.ok(sub.raw().includes('retry: 100\n'));
    sub.close();
    for (const [body, reason] of [
      ['{', /JSON/],
      ['[1]', /object/],
      [JSON.stringify({ topic: 3 }), /topic/],
      [JSON.stringify({ topic: 'a', data: {} }), /data must be a string/],
      [JSON.stringify({ topic: 'a', private: 'yes' }), /private/],
      [JSON.stringify({ topic: 'a', retry: -1 }), /retry/],
      // A lone surrogate cannot be sent as UTF-8: it would go out as U+FFFD, not what was published.
      [JSON.stringify({ topic: 'a', data: 'x\ud800y' }), /data .*lone surrogate/],
      [JSON.stringify({ topic: 'a\udfff' }), /topic .*lone surrogate/],
      [JSON.stringify({ topic: 'a', id: '\ud83d' }), /id .*lone surrogate/],
      [JSON.stringify({ topic: 'a', type: 't\udc00' }), /type .*lone surrogate/],
    ] as const) {
      const response = await fetch(hub.hubUrl, {
        method: 'POST',
        headers: { authorization: `Bearer ${publisher}`, 'content-type': 'application/json' },
        body,
      });
      assert.equal(response.status, 400, body);
      assert.match(await response.text(), reason);
    }
  });

  test('PHP-style form publishing (http_build_query: "+" for spaces, topic[] not needed)', async () => {
    const sub = await subscribe(url(hub.hubUrl, [['topic', 'https://example.com/books/1']]));
    const response = await fetch(hub.hubUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${publisher}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'topic=https%3A%2F%2Fexample.com%2Fbooks%2F1&data=%7B%22status%22%3A+%22OutOfStock%22%7D',
    });
    assert.equal(response.status, 200);
    assert.equal((await sub.waitForEvents(1))[0]!.data, '{"status": "OutOfStock"}');
    sub.close();
  });
});

describe('publish: 400 bad input, with a short reason', () => {
  const cases: [string, [string, string][], RegExp][] = [
    ['missing topic', [['data', 'x']], /missing topic/],
    ['empty topic', [['topic', '']], /empty/],
    [
      'LF in id',
      [
        ['topic', 'a'],
        ['id', 'a\nb'],
      ],
      /id must not contain control/,
    ],
    [
      'CR in id',
      [
        ['topic', 'a'],
        ['id', 'a\rdata: injected'],
      ],
      /id must not contain control/,
    ],
    [
      'NUL in id',
      [
        ['topic', 'a'],
        ['id', 'a\0'],
      ],
      /id must not contain control/,
    ],
    [
      'id starting with #',
      [
        ['topic', 'a'],
        ['id', '#1'],
      ],
      /"#"/,
    ],
    [
      'id earliest',
      [
        ['topic', 'a'],
        ['id', 'earliest'],
      ],
      /earliest/,
    ],
    [
      'CR/LF in type',
      [
        ['topic', 'a'],
        ['type', 'x\r\nid: 1'],
      ],
      /type must not contain control/,
    ],
    [
      'type mercure',
      [
        ['topic', 'a'],
        ['type', 'mercure'],
      ],
      /reserved/,
    ],
    [
      'non-digit retry',
      [
        ['topic', 'a'],
        ['retry', '1.5'],
      ],
      /retry/,
    ],
    [
      'negative retry',
      [
        ['topic', 'a'],
        ['retry', '-1'],
      ],
      /retry/,
    ],
    ['topic *', [['topic', '*']], /reserved/],
    ['reserved namespace', [['topic', 'https://hub.example/.well-known/mercure/subscriptions/x']], /reserved/],
    ['reserved namespace, encoded', [['topic', '/.well-known/%6Dercure/x']], /reserved/],
    ['control character in topic', [['topic', 'a\nb']], /control/],
  ];
  for (const [name, fields, reason] of cases) {
    test(name, async () => {
      const answer = await publish(hub.hubUrl, fields, { token: publisher });
      assert.equal(answer.status, 400);
      assert.match(answer.body, reason);
    });
  }

  test('a body that is not UTF-8, or a form with a broken percent-escape, is 400 (never stored as U+FFFD)', async () => {
    const raw = (body: Uint8Array<ArrayBuffer> | string, type: string) =>
      fetch(hub.hubUrl, {
        method: 'POST',
        headers: { authorization: `Bearer ${publisher}`, 'content-type': type },
        body,
      });
    const form = 'application/x-www-form-urlencoded';
    const notUtf8 = Buffer.concat([Buffer.from('topic=a&data='), Buffer.from([0xff, 0xfe])]);
    for (const [body, type, reason] of [
      [notUtf8, form, /not valid UTF-8/],
      [Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]), 'application/json', /not valid UTF-8/],
      ['topic=a&data=%FF', form, /percent-escape/], // decodes to a byte that is not UTF-8
      ['topic=a&data=%E2%82', form, /percent-escape/], // a character cut short
      ['topic=a&data=50%', form, /percent-escape/], // "%" without two hex digits
      ['topic=%ZZ&data=x', form, /percent-escape/],
    ] as const) {
      const response = await raw(body, type);
      assert.equal(response.status, 400, String(body));
      assert.match(await response.text(), reason);
    }
    // Escaped characters of every width still arrive intact.
    const sub = await subscribe(url(hub.hubUrl, [['topic', 'a']]));
    const response = await raw('topic=a&data=%C3%A9%E2%82%AC%F0%9F%98%80+50%25', form);
    assert.equal(response.status, 200);
    assert.equal((await sub.waitForEvents(1))[0]!.data, 'é€😀 50%');
    sub.close();
  });

  test('unsupported content type is 415', async () => {
    const response = await fetch(hub.hubUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${publisher}`, 'content-type': 'text/plain' },
      body: 'topic=a',
    });
    assert.equal(response.status, 415);
  });
});

describe('publish: 401 token problems (never echoing the token)', () => {
  const expired = token({ ...PUBLISH_ALL, exp: Math.floor(Date.now() / 1000) - 10 });
  const future = token({ ...PUBLISH_ALL, nbf: Math.floor(Date.now() / 1000) + 3600 });
  const cases: [string, Record<string, string>][] = [
    ['missing', {}],
    ['not Bearer', { authorization: `Basic ${publisher}` }],
    ['malformed', { authorization: 'Bearer not.a.jwt' }],
    ['badly signed', { authorization: `Bearer ${token(PUBLISH_ALL, 'another key')}` }],
    ['expired', { authorization: `Bearer ${expired}` }],
    ['not yet valid', { authorization: `Bearer ${future}` }],
    ['alg none', { authorization: `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64(PUBLISH_ALL)}.` }],
    ['bad claims', { authorization: `Bearer ${token({ mercure: { publish: '*' } })}` }],
  ];
  for (const [name, headers] of cases) {
    test(name, async () => {
      const answer = await publish(hub.hubUrl, [['topic', 'a']], { headers });
      assert.equal(answer.status, 401);
      assert.match(answer.headers.get('www-authenticate')!, /^Bearer/);
      const sent = headers.authorization?.split(' ')[1];
      if (sent) assert.ok(!answer.body.includes(sent), 'the token is not echoed');
    });
  }
});

describe('publish: 403 and 413', () => {
  test('403 when one topic of the update is not allowed (nothing is dispatched)', async () => {
    const limited = token({ mercure: { publish: ['https://example.com/books/{id}'] } });
    const sub = await subscribe(url(hub.hubUrl, [['topic', 'https://example.com/books/1']]));
    const refused = await publish(
      hub.hubUrl,
      [
        ['topic', 'https://example.com/books/1'],
        ['topic', 'urn:other'],
        ['data', 'no'],
      ],
      {
        token: limited,
      },
    );
    assert.equal(refused.status, 403);
    assert.match(refused.headers.get('www-authenticate')!, /insufficient_scope/);
    assert.equal(
      (
        await publish(
          hub.hubUrl,
          [
            ['topic', 'https://example.com/books/1'],
            ['data', 'yes'],
          ],
          { token: limited },
        )
      ).status,
      200,
    );
    assert.deepEqual(
      (await sub.waitForEvents(1)).map((e) => e.data),
      ['yes'],
    );
    const none = await publish(hub.hubUrl, [['topic', 'a']], { token: token({ mercure: { subscribe: ['*'] } }) });
    assert.equal(none.status, 403);
    sub.close();
  });

  test('413 over the body limit; a body at the limit is accepted', async () => {
    const over = await publish(
      hub.hubUrl,
      [
        ['topic', 'a'],
        ['data', 'x'.repeat(MAX_BODY)],
      ],
      { token: publisher },
    );
    assert.equal(over.status, 413);
    const prefix = 'topic=a&data=';
    const exact = await fetch(hub.hubUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${publisher}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: prefix + 'x'.repeat(MAX_BODY - prefix.length),
    });
    assert.equal(exact.status, 200);
    // Chunked (no Content-Length): the limit holds while reading.
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 10; i++)
          controller.enqueue(new TextEncoder().encode(i === 0 ? 'topic=a&data=' : 'y'.repeat(1000)));
        controller.close();
      },
    });
    const chunked = await fetch(hub.hubUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${publisher}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    assert.equal(chunked.status, 413);
  });

  test('413 for too many topics', async () => {
    const topics = Array.from({ length: 101 }, (_, i): [string, string] => ['topic', `t${i}`]);
    assert.equal((await publish(hub.hubUrl, topics, { token: publisher })).status, 413);
  });
});

describe('publish: cookie authorization and CSRF', () => {
  test('the mercureAuthorization cookie works from an allowed Origin, and is refused from others or without one', async () => {
    const cookie = `mercureAuthorization=${publisher}`;
    assert.equal(
      (await publish(hub.hubUrl, [['topic', 'a']], { headers: { cookie, origin: 'http://app.test' } })).status,
      200,
    );
    assert.equal((await publish(hub.hubUrl, [['topic', 'a']], { headers: { cookie, origin: hub.url } })).status, 200);
    assert.equal(
      (await publish(hub.hubUrl, [['topic', 'a']], { headers: { cookie, origin: 'http://evil.test' } })).status,
      403,
    );
    assert.equal((await publish(hub.hubUrl, [['topic', 'a']], { headers: { cookie } })).status, 403);
  });

  test('an Authorization header wins over the cookie', async () => {
    const answer = await publish(hub.hubUrl, [['topic', 'a']], {
      token: publisher,
      headers: { cookie: 'mercureAuthorization=garbage' },
    });
    assert.equal(answer.status, 200);
  });
});

test('other methods on the hub path get 405 with Allow', async () => {
  const response = await fetch(hub.hubUrl, { method: 'DELETE' });
  assert.equal(response.status, 405);
  assert.equal(response.headers.get('allow'), 'GET, QUERY, POST, OPTIONS');
});
