// The flow of Mercure's public conformance suite (0.x), reproduced from its published description: a
// page served by the hub itself at `/`, a same-origin native EventSource opened anonymously on the topic
// selectors, then, once it is open, a same-origin fetch POST with a token signed with the demo key
// (HS256, no `typ`, no `exp`, `{"mercure":{"publish":["*"],"subscribe":["*"]}}`), a publisher-chosen id
// of the form `id-["topic", ...]`, data with an empty line and indentation, and `private=on` for the
// private cases. A case passes when the update arrives within two seconds exactly when it must (the
// suite's rule), with a 200 `text/plain` answer whose body is the update's id. We cannot run the suite
// itself here (it is not on the npm registry); this file follows its cases and its timing.
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../../../test-support/browser.ts';
import { KEY, type RunningHub, startHub } from './support/hub-process.ts';

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A token shaped like the suite's: header `{"alg":"HS256"}` only, and no expiry. */
function suiteToken(): string {
  const signingInput = `${base64url({ alg: 'HS256' })}.${base64url({ mercure: { publish: ['*'], subscribe: ['*'] } })}`;
  return `${signingInput}.${createHmac('sha256', KEY).update(signingInput).digest('base64url')}`;
}

interface Case {
  name: string;
  topics: string[];
  selectors: string[];
  mustBeReceived: boolean;
  private?: boolean;
}

const random = () => randomBytes(20).toString('hex');
const names = Array.from({ length: 6 }, random);
const CASES: Case[] = [
  { name: 'raw string', mustBeReceived: true, topics: [names[0]!], selectors: [names[0]!] },
  { name: 'multiple topics', mustBeReceived: true, topics: [random(), names[1]!], selectors: [names[1]!] },
  { name: 'multiple topic selectors', mustBeReceived: true, topics: [names[2]!], selectors: ['foo', names[2]!] },
  {
    name: 'URI',
    mustBeReceived: true,
    topics: [`https://example.net/foo/${names[3]}`],
    selectors: [`https://example.net/foo/${names[3]}`],
  },
  {
    name: 'URI template',
    mustBeReceived: true,
    topics: [`https://example.net/foo/${names[4]}`],
    selectors: ['https://example.net/foo/{random}'],
  },
  { name: 'nonmatching raw string', mustBeReceived: false, topics: ['will-not-match}'], selectors: ['another-name'] },
  {
    name: 'nonmatching URI',
    mustBeReceived: false,
    topics: ['https://example.net/foo/will-not-match}'],
    selectors: ['https://example.net/foo/another-name'],
  },
  {
    name: 'nonmatching URI template',
    mustBeReceived: false,
    topics: ['https://example.net/foo/will-not-match}'],
    selectors: ['https://example.net/bar/{var}'],
  },
  { name: 'private raw string', mustBeReceived: false, private: true, topics: [names[0]!], selectors: [names[0]!] },
  {
    name: 'private URI',
    mustBeReceived: false,
    private: true,
    topics: [`https://example.net/foo/${names[3]}`],
    selectors: [`https://example.net/foo/${names[3]}`],
  },
  {
    name: 'private URI template',
    mustBeReceived: false,
    private: true,
    topics: [`https://example.net/foo/${names[4]}`],
    selectors: ['https://example.net/foo/{random}'],
  },
];

/** Runs one case inside the page; the page's own EventSource and fetch do all the HTTP. */
function runCase(page: Page, testCase: Case, token: string) {
  return page.evaluate(
    async ({ testCase, token }) => {
      // The suite's ids repeat across cases with the same topics (a private case and its public twin, the
      // two nonmatching URI cases). This hub answers a duplicate id 409 (see the README), which would make
      // "not received" pass for the wrong reason; the case name keeps every id unique.
      const id = `id-${JSON.stringify(testCase.topics)}-${testCase.name}`;
      const data = `data for\n\n        ${testCase.name}`;
      const url = new URL('/.well-known/mercure', window.origin);
      for (const selector of testCase.selectors) url.searchParams.append('topic', selector);
      const body = new URLSearchParams();
      for (const topic of testCase.topics) body.append('topic', topic);
      body.set('id', id);
      body.set('data', data);
      if (testCase.private) body.set('private', 'on');

      const source = new EventSource(url);
      await new Promise((resolve) => source.addEventListener('open', resolve, { once: true }));
      const received = new Promise<boolean>((resolve) => {
        source.onmessage = (event) => {
          if (event.type === 'message' && event.lastEventId === id && event.data === data) resolve(true);
        };
        setTimeout(resolve, 2000, false);
      });
      const response = await fetch('/.well-known/mercure', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body,
      });
      const answer = {
        status: response.status,
        contentType: response.headers.get('content-type'),
        body: await response.text(),
      };
      const wasReceived = await received;
      source.close();
      return { received: wasReceived, id, ...answer };
    },
    { testCase, token },
  );
}

for (const [label, flags] of [
  ['hub without dashboard', ['--no-dashboard']],
  ['hub with dashboard', ['--dashboard']],
] as const) {
  describe(`Mercure conformance flow in Chromium: ${label}`, () => {
    let hub: RunningHub;
    let browser: Browser;
    let page: Page;
    const token = suiteToken();

    before(async () => {
      hub = await startHub(['--jwt-key', KEY, '--anonymous', ...flags]);
      browser = await launchBrowser();
      page = await browser.newPage();
      await page.goto(`${hub.url}/`); // the suite starts every test from the hub's root page
    });
    after(async () => {
      await browser?.close();
      assert.equal(await hub?.stop(), 0);
    });

    for (const testCase of CASES) {
      test(testCase.name, async () => {
        const result = await runCase(page, testCase, token);
        assert.equal(result.received, testCase.mustBeReceived, `${testCase.name}: received`);
        assert.equal(result.status, 200, 'every update is accepted, private ones included');
        if (testCase.mustBeReceived) {
          assert.match(result.contentType ?? '', /^text\/plain(?:$|;)/);
          assert.equal(result.body, result.id, 'the answer is the id the publisher chose');
        }
      });
    }
  });
}
