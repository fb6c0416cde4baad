// Fuzzing the hub's publish and subscribe endpoints with fast-check, against the real CLI on loopback:
// random bodies (form, JSON, invalid UTF-8, over the limits), queries (URI templates, URL patterns,
// percent-escape garbage, repeated parameters), headers (Last-Event-ID, Cookie, Content-Type) and tokens
// (garbled, alg none, expired, wrong key or algorithm), and raw requests whose framing is wrong.
// What must hold: the hub never crashes and never answers 5xx; every refusal is a 4xx that says what is
// wrong; a subscription opens a stream or is refused; memory stays bounded; and afterwards the hub still
// carries an update from a publisher to a subscriber.
//
//   node scripts/test.mjs packages/hub/test/fuzz.test.ts                      the short run (CI)
//   FUZZ_RUNS=100000 FUZZ_SECONDS=40 node scripts/test.mjs packages/hub/test/fuzz.test.ts   (3 properties,
//   each for 40 s: a file must end within the 180 s timeout of scripts/test.mjs)
//   FUZZ_SEED=<seed printed by a failure> node scripts/test.mjs packages/hub/test/fuzz.test.ts
//
// scripts/fuzz.mjs runs the long version (see test-support/fuzz-check.ts for the variables).
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { connect } from 'node:net';
import { after, before, describe, type TestContext, test } from 'node:test';
import { MAX_DISCARD_BYTES } from '@tidings/server/node';
import fc from 'fast-check';
import { type CryptoKey, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { checkProperty, FUZZ_TEST_OPTIONS } from '../../../test-support/fuzz-check.ts';
import {
  type Credential,
  encodePublishBody,
  encodeRawRequest,
  FUZZ_MAX_BODY,
  headerSafe,
  publishBody,
  publishContentType,
  publishCredential,
  rawRequest,
  type SubscribeRequest,
  subscribeRequest,
  type TokenRecipe,
  utf8AsLatin1,
} from './support/fuzz-inputs.ts';
import { processMemory } from './support/fuzz-process-memory.ts';
import { rawExchange } from './support/fuzz-raw-http.ts';
import { KEY, type RunningHub, startHub } from './support/hub-process.ts';
import { PUBLISH_ALL, publish, subscribe, token, url } from './support/sse.ts';

const FILE = 'packages/hub/test/fuzz.test.ts';
/** The hub's old-space heap is capped, so memory that grows without bound crashes it, which the test sees. */
const HEAP_LIMIT_MB = 192;
/** The most resident memory the hub may reach during the run: the heap cap and generous room for the rest. */
const RSS_CEILING_BYTES = 400 * 1024 * 1024;
/** The hub's history in the test: small, so that a long run cycles through it many times. */
const HISTORY_SIZE = 500;
const HISTORY_BYTES = 2 * 1024 * 1024;

let hub: RunningHub;
let hsKey: Uint8Array;
const otherKeys = new Map<string, CryptoKey | Uint8Array>();
/** Ids of updates the fuzzed publishes got accepted: subscriptions replay after them. */
const knownIds: string[] = [];
let baseline: { rss: number };

before(async () => {
  hub = await startHub(
    [
      '--jwt-key',
      KEY,
      '--anonymous',
      '--max-body',
      String(FUZZ_MAX_BODY),
      '--history-size',
      String(HISTORY_SIZE),
      '--history-bytes',
      String(HISTORY_BYTES),
      '--cors-origins',
      'http://app.test',
    ],
    { NODE_OPTIONS: `--max-old-space-size=${HEAP_LIMIT_MB}` },
  );
  hsKey = new TextEncoder().encode(KEY);
  otherKeys.set('HS384', hsKey);
  otherKeys.set('HS512', hsKey);
  for (const alg of ['RS256', 'PS256', 'ES256', 'EdDSA']) otherKeys.set(alg, (await generateKeyPair(alg)).privateKey);
  const first = await publish(
    hub.hubUrl,
    [
      ['topic', 'urn:fuzz:a'],
      ['data', 'seed'],
    ],
    { token: token(PUBLISH_ALL) },
  );
  assert.equal(first.status, 200, first.body);
  knownIds.push(first.body);
});

after(async () => {
  const code = await hub.stop();
  assert.equal(code, 0, `the hub exited with ${code}:\n${hub.output().slice(-4000)}`);
});

// ---- Tokens and credentials ----

const base64url = (text: string) => Buffer.from(text).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

function resolveTimes(claims: Record<string, unknown>): Record<string, unknown> {
  const out = { ...claims };
  for (const name of ['exp', 'nbf']) {
    if (out[name] === 'future') out[name] = now() + 3600;
    else if (out[name] === 'past') out[name] = now() - 3600;
  }
  return out;
}

const signHs256 = (claims: Record<string, unknown>, key = hsKey) =>
  new SignJWT(resolveTimes(claims)).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(key);

async function makeToken(recipe: TokenRecipe): Promise<string> {
  switch (recipe.kind) {
    case 'valid':
      return signHs256(recipe.claims);
    case 'wrong-key':
      return signHs256(recipe.claims, new TextEncoder().encode('another secret, also 32 bytes long, not the hub key'));
    case 'other-alg':
      return new SignJWT(resolveTimes(recipe.claims))
        .setProtectedHeader({ alg: recipe.alg })
        .sign(otherKeys.get(recipe.alg)!);
    case 'alg-none':
      return new UnsecuredJWT(resolveTimes(recipe.claims)).encode();
    case 'crit':
      return new SignJWT(resolveTimes(recipe.claims))
        .setProtectedHeader({ alg: 'HS256', crit: ['fuzz'], fuzz: 1 })
        .sign(hsKey, { crit: { fuzz: true } });
    case 'garble': {
      const chars = [...(await signHs256(recipe.claims))];
      for (const [at, char] of recipe.edits) chars[at % chars.length] = char;
      return chars.join('');
    }
    case 'cut': {
      const signed = await signHs256(recipe.claims);
      return signed.slice(0, recipe.at % signed.length);
    }
    case 'parts': {
      const input = `${base64url(JSON.stringify(recipe.header))}.${base64url(recipe.payload)}`;
      return `${input}.${createHmac('sha256', KEY).update(input).digest('base64url')}`;
    }
    case 'text':
      return recipe.text;
  }
}

/** Puts the token where the credential says; returns the headers to send (and edits `target`). */
function applyCredential(given: Credential, tokenText: string, target: URL): Record<string, string> {
  const headers: Record<string, string> = {};
  if (given.where === 'header') headers.authorization = headerSafe(`${given.scheme}${tokenText}`);
  else if (given.where === 'cookie') headers.cookie = headerSafe(`theme=dark; mercureAuthorization=${tokenText}`);
  else if (given.where === 'cookie-draft') headers.cookie = headerSafe(`__Secure-mercure_access_token=${tokenText}`);
  else if (given.where === 'query') target.searchParams.append('authorization', tokenText);
  if (given.origin !== undefined) headers.origin = given.origin === 'self' ? target.origin : given.origin;
  return headers;
}

// ---- What every answer must be ----

/** Answers by status, per property: shown after each, so a run shows which checks its inputs reached. */
const statuses = new Map<string, Map<string, number>>();
function tally(property: string, status: number | string): void {
  const counts = statuses.get(property) ?? new Map<string, number>();
  counts.set(String(status), (counts.get(String(status)) ?? 0) + 1);
  statuses.set(property, counts);
}
function showTally(t: TestContext, property: string): void {
  const counts = [...(statuses.get(property) ?? [])].sort(([a], [b]) => a.localeCompare(b));
  t.diagnostic(`answers: ${counts.map(([status, n]) => `${status} ×${n}`).join(', ')}`);
}

/**
 * Node's own answer to a request its HTTP parser refuses (a head over 16 KiB: 431; bad framing: 400; an
 * Expect other than 100-continue: 417): no
 * content type, no body, so no reason. The hub's server does not replace it (it has no 'clientError'
 * handler, in cli-hub.ts, not this test's to change): until it does, such an answer is let through here,
 * as a 4xx, and counted. FUZZ_STRICT=1 refuses it too, to see them.
 */
const STRICT = process.env.FUZZ_STRICT === '1';
let bareNodeAnswers = 0;
function isBareNodeAnswer(status: number, contentType: string | null | undefined, body: string): boolean {
  const bare = (status === 400 || status === 417 || status === 431) && !contentType && body === '';
  if (bare) bareNodeAnswers++;
  return bare && !STRICT;
}

/**
 * A refusal is a 4xx whose body says what is wrong, in text; anything else is 200 (or 204 for a
 * preflight). Never a 5xx, never a token echoed back.
 */
function assertAnswer(status: number, contentType: string | null, body: string, tokenText: string): void {
  assert.ok(status === 200 || status === 204 || (status >= 400 && status < 500), `status ${status}: ${body}`);
  if (status >= 400 && !isBareNodeAnswer(status, contentType, body)) {
    assert.ok(body.trim().length > 0, `a ${status} without a reason`);
    assert.match(contentType ?? '', /^text\/plain/, `a ${status} that is not text: ${contentType}`);
  }
  if (tokenText.length >= 24) assert.ok(!body.includes(tokenText), 'the answer echoes the token');
}

/** What fetch threw, with its cause (undici puts the socket error there). */
const describeFailure = (error: unknown) =>
  error instanceof Error ? `${error.message} (${String((error as { cause?: unknown }).cause ?? '')})` : String(error);

async function metric(name: string): Promise<string[]> {
  const text = await (await fetch(`${hub.url}/metrics`)).text();
  return text.split('\n').filter((line) => line.startsWith(name));
}

/** Subscribers connected now, as /metrics counts them. */
const subscriberCount = async () => Number((await metric('tidings_subscribers '))[0]?.split(' ')[1]);

/** The publish statuses of /metrics that are 5xx (none may be). */
const publishesAnswered5xx = async () =>
  (await metric('tidings_publish_rejected_total{')).filter((line) => /status="5/.test(line));
/** How many publishes /metrics counts as answered 5xx. */
const publish5xxCount = async () =>
  (await publishesAnswered5xx()).reduce((sum, line) => sum + Number(line.split(' ')[1]), 0);

/** Polls until `predicate` holds; throws after `timeoutMs` (a bound on a hang, not a timing check). */
async function waitFor(predicate: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** No run keeps a stream open: once its client has left, the hub must let the subscriber go. */
const noSubscriberLeft = () =>
  waitFor(
    async () => (await metric('tidings_subscribers '))[0] === 'tidings_subscribers 0',
    'the hub to let go of a subscriber whose client left',
  );

// ---- Properties ----

describe('fuzz: publish', () => {
  test(
    'random bodies, content types and tokens: 200 or a 4xx with a reason, never 5xx',
    FUZZ_TEST_OPTIONS,
    async (t) => {
      await checkProperty(
        t,
        FILE,
        150,
        fc.asyncProperty(publishBody, publishCredential, async (body, given) => {
          const tokenText = await makeToken(given.token);
          const target = new URL(hub.hubUrl);
          const headers = applyCredential(given, tokenText, target);
          const contentType = publishContentType(body);
          if (contentType !== undefined) headers['content-type'] = contentType;
          const bytes = encodePublishBody(body);
          let response: Response;
          try {
            response = await fetch(target, { method: 'POST', headers, body: bytes });
          } catch (error) {
            // Past MAX_DISCARD_BYTES the hub answers 413 and cuts the connection while the body still comes.
            if (bytes.length > MAX_DISCARD_BYTES) return;
            throw new Error(`the hub dropped the request: ${describeFailure(error)}`);
          }
          const text = await response.text();
          tally('publish', response.status);
          assertAnswer(response.status, response.headers.get('content-type'), text, tokenText);
          if (bytes.length > FUZZ_MAX_BODY) assert.ok(response.status !== 200, 'a body over --max-body was accepted');
          if (response.status === 200) {
            assert.ok(text.length > 0, 'a 200 without the id');
            knownIds.push(text);
            if (knownIds.length > 100) knownIds.shift();
          }
        }),
      );
      showTally(t, 'publish');
      // By now the history is as full as it gets: what the hub holds from here on should stay about the same.
      baseline = processMemory(hub.child.pid!);
    },
  );
});

function subscribeUrl(request: SubscribeRequest): URL {
  const known = () => knownIds[knownIds.length - 1] ?? 'none';
  const parts = request.params.map(({ name, raw, value: given }) => {
    const value = given === 'known-id' ? known() : given;
    return raw ? `${name}=${value}` : new URLSearchParams([[name, value]]).toString();
  });
  for (let i = 0; i < (request.repeatTopic ?? 0); i++) parts.push(`topic=urn:fuzz:r${i}`);
  return new URL(`${hub.hubUrl}?${parts.join('&')}`);
}

describe('fuzz: subscribe', () => {
  test(
    'random queries, Last-Event-ID, Accept and tokens: a stream or a 4xx with a reason',
    FUZZ_TEST_OPTIONS,
    async (t) => {
      await checkProperty(
        t,
        FILE,
        150,
        fc.asyncProperty(subscribeRequest, async (request) => {
          const tokenText = await makeToken(request.credential.token);
          const target = subscribeUrl(request);
          const headers = applyCredential(request.credential, tokenText, target);
          if (request.accept !== undefined) headers.accept = request.accept;
          if (request.lastEventIdHeader !== null) {
            const id = request.lastEventIdHeader === 'known-id' ? (knownIds.at(-1) ?? '') : request.lastEventIdHeader;
            headers['last-event-id'] = headerSafe(utf8AsLatin1(id));
          }
          const controller = new AbortController();
          let response: Response;
          try {
            response = await fetch(target, { headers, signal: controller.signal });
          } catch (error) {
            throw new Error(`the hub dropped the request: ${describeFailure(error)}`);
          }
          tally('subscribe', response.status);
          try {
            if (response.status === 200) {
              assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
            } else {
              assertAnswer(response.status, response.headers.get('content-type'), await response.text(), tokenText);
              assert.ok(response.status !== 204, 'a subscription answered 204');
            }
          } finally {
            controller.abort();
          }
          await noSubscriberLeft();
        }),
      );
      showTally(t, 'subscribe');
    },
  );
});

describe('fuzz: raw HTTP', () => {
  test(
    'wrong Content-Length, broken chunking, pipelined garbage: no 5xx, the hub stays up',
    FUZZ_TEST_OPTIONS,
    async (t) => {
      const authorization = `Authorization: Bearer ${token(PUBLISH_ALL)}`;
      const port = Number(new URL(hub.url).port);
      await checkProperty(
        t,
        FILE,
        60,
        fc.asyncProperty(rawRequest, async (request) => {
          // A body longer than announced would wait for the request timeout: that client goes away instead.
          const failuresBefore = await publish5xxCount();
          const leaves = request.framing === 'longer';
          const exchange = await rawExchange(port, encodeRawRequest(request, authorization), leaves);
          // Three requests may get no answer at all: a client that left; a body past MAX_DISCARD_BYTES (the
          // hub cuts the connection, as documented); CONNECT, which Node's server drops itself when nothing
          // listens for its 'connect' event (cli-hub.ts; see the report of this test).
          const mayGoUnanswered =
            leaves || request.method === 'CONNECT' || encodePublishBody(request.body).length > MAX_DISCARD_BYTES;
          if (exchange.responses.length === 0) {
            tally('raw', 'none');
            assert.ok(mayGoUnanswered, 'the hub closed the connection without an answer');
          }
          for (const response of exchange.responses) {
            tally('raw', response.status);
            assert.ok(Number.isInteger(response.status), 'a response without a status line');
            if (response.status < 200) continue; // 100 Continue
            assert.ok(response.status < 500, `status ${response.status}: ${response.body}`);
            // A HEAD answer has no body by definition; Node's own refusals have none either (isBareNodeAnswer).
            const { status, headers, body } = response;
            if (
              status >= 400 &&
              request.method !== 'HEAD' &&
              !isBareNodeAnswer(status, headers['content-type'], body)
            ) {
              assert.ok(body.trim().length > 0, `a ${status} without a reason`);
            }
          }
          assert.equal(hub.child.exitCode, null, 'the hub exited');
          // The hub may also fail on its side after the connection is gone: it counts that as a 5xx.
          assert.equal(await publish5xxCount(), failuresBefore, 'a publish counted as a 5xx');
          await noSubscriberLeft();
        }),
      );
      showTally(t, 'raw');
    },
  );
});

// Each bug the fuzzer found, as the smallest input it shrank to: a named test that fails without the fix.
describe('fuzz: regressions', () => {
  test("a publish body cut short of its Content-Length is the client's fault: no 5xx counted", async () => {
    // Found by the raw HTTP property: the client ends its side after 7 of the 100 bytes it announced. Node
    // answers 400 itself; the body read fails with ECONNRESET, which the publish route took for a fault of
    // its own: "publish failed" logged as an error and counted as a 500.
    const port = Number(new URL(hub.url).port);
    const request =
      'POST /.well-known/mercure HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
      `Authorization: Bearer ${token(PUBLISH_ALL)}\r\nContent-Length: 100\r\n\r\ntopic=a`;
    const failuresBefore = await publish5xxCount();
    const exchange = await rawExchange(port, Buffer.from(request), true);
    assert.deepEqual(
      exchange.responses.map((response) => response.status),
      [400],
    );
    assert.equal(await publish5xxCount(), failuresBefore);
  });

  test('a subscriber that leaves while its token is being checked is not left registered', async () => {
    // Found by the raw HTTP property: the client is gone before the (asynchronous) token check ends; the
    // hub then opened the stream on a closed response, whose 'close' had fired already, and the subscriber
    // stayed registered for good (a slot of --max-subscribers lost per request).
    const port = Number(new URL(hub.url).port);
    const before = await subscriberCount();
    const request = `GET /.well-known/mercure?topic=urn:gone HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer ${token({ mercure: { subscribe: ['*'] } })}\r\n\r\n`;
    await Promise.all(
      Array.from(
        { length: 5 },
        () =>
          new Promise<void>((resolve) => {
            const socket = connect(port, '127.0.0.1', () => {
              socket.write(request);
              socket.destroy();
              resolve();
            });
            socket.on('error', () => resolve());
          }),
      ),
    );
    // Let the hub see the requests (each is registered, then must be let go), then wait for it to settle.
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (let i = 0; i < 100 && (await subscriberCount()) !== before; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(await subscriberCount(), before);
  });

  test('a topic whose path starts with "//" is an ordinary topic, not a 500', async () => {
    // Found by the publish property: "https://example.com//" failed the reserved-namespace check with a
    // TypeError (its path "//" was resolved again as a URL with an empty host) and the hub answered 500.
    const publisher = token(PUBLISH_ALL);
    for (const topic of ['https://example.com//', 'https://example.com//x/y', 'urn:a//b', 'foo://h//']) {
      const answer = await publish(hub.hubUrl, [['topic', topic]], { token: publisher });
      assert.equal(answer.status, 200, `${topic}: ${answer.body}`);
    }
    // The check still sees through such paths where they do lead into the namespace.
    for (const topic of [
      'https://example.com/.well-known/mercure',
      'https://example.com/a//../../.well-known/mercure',
    ]) {
      const answer = await publish(hub.hubUrl, [['topic', topic]], { token: publisher });
      assert.equal(answer.status, 400, `${topic}: ${answer.body}`);
    }
  });
});

// ---- After the run ----

describe('fuzz: the hub afterwards', () => {
  test('it is up, logged no failure, answered no publish with 5xx, and let every subscriber go', async (t) => {
    t.diagnostic(`${bareNodeAnswers} refusals by Node's HTTP parser, without a reason`);
    assert.equal(hub.child.exitCode, null, `the hub exited:\n${hub.output().slice(-4000)}`);
    assert.equal((await fetch(`${hub.url}/healthz`)).status, 200);
    const failures = hub.logs.filter((line) => line.level === 'error');
    assert.deepEqual(failures, [], 'the hub logged failures');
    assert.deepEqual(await publishesAnswered5xx(), [], 'publishes answered 5xx');
    await noSubscriberLeft();
  });

  test('its memory stayed under the ceiling and did not keep growing', (t: TestContext) => {
    const memory = processMemory(hub.child.pid!);
    t.diagnostic(
      `hub RSS ${(memory.rss / 2 ** 20).toFixed(0)} MiB (peak ${(memory.peakRss / 2 ** 20).toFixed(0)} MiB), ` +
        `after the first property ${(baseline.rss / 2 ** 20).toFixed(0)} MiB`,
    );
    assert.ok(memory.peakRss < RSS_CEILING_BYTES, `peak RSS ${memory.peakRss} over ${RSS_CEILING_BYTES}`);
    // Generous: the history fills up (HISTORY_BYTES) and V8 grows its heap lazily; a leak per request
    // over thousands of requests would still show.
    assert.ok(memory.rss < baseline.rss * 2 + 64 * 2 ** 20, `RSS ${memory.rss} after, ${baseline.rss} before`);
  });

  test('a normal publish reaches a normal subscriber', async () => {
    const subscription = await subscribe(url(hub.hubUrl, [['topic', 'urn:fuzz:final']]));
    try {
      assert.equal(subscription.status, 200);
      const answer = await publish(
        hub.hubUrl,
        [
          ['topic', 'urn:fuzz:final'],
          ['data', 'still here'],
        ],
        { token: token(PUBLISH_ALL) },
      );
      assert.equal(answer.status, 200, answer.body);
      const [event] = await subscription.waitForEvents(1);
      assert.deepEqual({ id: event?.lastEventId, data: event?.data }, { id: answer.body, data: 'still here' });
    } finally {
      subscription.close();
    }
  });
});
