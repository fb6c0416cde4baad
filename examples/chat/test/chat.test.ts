import assert from 'node:assert/strict';
import { request } from 'node:http';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  assertShownOnce,
  expectReplayAfterCut,
  failOnPageErrors,
  readIds,
  TEST_RETRY_MS,
  waitForIds,
  waitForState,
  watchStreamRequests,
} from '../../test-support/e2e.ts';
import { spawnExample } from '../../test-support/spawn-example.ts';
import { useBrowser } from '../../test-support/use-browser.ts';
import { MAX_BODY_BYTES, MAX_MESSAGE_LENGTH, MAX_NAME_LENGTH } from '../limits.ts';
import { startChat } from '../server.ts';

const browser = useBrowser();

/**
 * POSTs to /messages on a new connection each time (no keep-alive pool): the tests cut every connection
 * of the server, and a pooled one would fail on its next use as it would for any client of a proxy.
 */
function post(url: string, body: unknown, contentType = 'application/json'): Promise<{ status: number; text: string }> {
  const payload = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      new URL('/messages', url),
      { method: 'POST', agent: false, headers: { 'content-type': contentType } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function postOk(url: string, name: string, text: string): Promise<string> {
  const response = await post(url, { name, text });
  assert.equal(response.status, 201, response.text);
  return (JSON.parse(response.text) as { id: string }).id;
}

async function messages(page: Page) {
  return page.$$eval('#messages li', (items) =>
    items.map((li) => `${li.querySelector('.name')?.textContent}: ${li.querySelector('.text')?.textContent}`),
  );
}

test('two pages: one sends with the form, both receive, each shows the sender name', async () => {
  const app = await startChat({ port: 0, retryMs: TEST_RETRY_MS });
  // Two users: two browser contexts, each with its own storage (the name is kept in localStorage).
  const adaContext = await browser().newContext();
  const bobContext = await browser().newContext();
  const ada = await adaContext.newPage();
  const bob = await bobContext.newPage();
  const errors = [failOnPageErrors(ada), failOnPageErrors(bob)];
  try {
    await Promise.all([ada.goto(app.url), bob.goto(app.url)]);
    await Promise.all([waitForState(ada, 'open'), waitForState(bob, 'open')]);
    await ada.fill('#name', 'Ada');
    await ada.fill('#text', 'Hello, Bob');
    await ada.click('button[type=submit]');
    await bob.waitForFunction(() => document.querySelectorAll('#messages li').length === 1);
    await bob.fill('#name', 'Bob');
    await bob.fill('#text', 'Hi Ada <b>not bold</b>');
    await bob.press('#text', 'Enter');
    for (const page of [ada, bob]) {
      await page.waitForFunction(() => document.querySelectorAll('#messages li').length === 2);
    }
    // Both pages show the same messages, in the order they were sent.
    assert.deepEqual(await messages(ada), ['Ada: Hello, Bob', 'Bob: Hi Ada <b>not bold</b>']);
    assert.deepEqual(await messages(bob), await messages(ada));
    assert.equal(await ada.inputValue('#text'), '', 'the input is cleared after sending');
    // The name is remembered for the next visit.
    await ada.reload();
    assert.equal(await ada.inputValue('#name'), 'Ada');
    assert.deepEqual(errors.flat(), []);
  } finally {
    await adaContext.close();
    await bobContext.close();
    await app.close();
  }
});

test('the page shows the server’s reason when a message is refused', async () => {
  const app = await startChat({ port: 0, retryMs: TEST_RETRY_MS });
  const page = await browser().newPage();
  const errors = failOnPageErrors(page);
  try {
    await page.goto(app.url);
    await waitForState(page, 'open');
    await page.fill('#name', 'Ada');
    await page.fill('#text', '   ');
    await page.click('button[type=submit]');
    await page.waitForFunction(() => document.getElementById('error')?.textContent !== '');
    assert.equal(await page.textContent('#error'), 'text must not be empty');
    await page.fill('#name', 'x'.repeat(MAX_NAME_LENGTH + 1));
    await page.fill('#text', 'hello');
    await page.click('button[type=submit]');
    await page.waitForFunction(() => document.getElementById('error')?.textContent?.startsWith('name is'));
    assert.equal(
      await page.textContent('#error'),
      `name is ${MAX_NAME_LENGTH + 1} characters long; the limit is ${MAX_NAME_LENGTH}`,
    );
    assert.equal(await page.$$eval('#messages li', (items) => items.length), 0, 'nothing was broadcast');
    // The browser logs the 400 answers as failed resources; they are expected here.
    assert.deepEqual(
      errors.filter((e) => !/status of 400/.test(e)),
      [],
    );
  } finally {
    await page.close();
    await app.close();
  }
});

test('after a cut both pages reconnect with Last-Event-ID and show every missed message once, in order', async () => {
  const app = await startChat({ port: 0, retryMs: TEST_RETRY_MS });
  const context = await browser().newContext();
  const ada = await context.newPage();
  const bob = await context.newPage();
  const errors = [failOnPageErrors(ada), failOnPageErrors(bob)];
  const adaRequests = watchStreamRequests(ada, '/events');
  try {
    await Promise.all([ada.goto(app.url), bob.goto(app.url)]);
    await waitForState(bob, 'open');
    let n = 0;
    const sent: string[] = [];
    await expectReplayAfterCut({
      page: ada,
      requests: adaRequests,
      what: 'chat',
      selector: '#messages li',
      publish: async () => {
        const id = await postOk(app.url, 'Carol', `message ${++n}`);
        sent.push(id);
        return [id];
      },
      cut: () => app.cutStreams(),
      shownIds: () => readIds(ada, '#messages li'),
    });
    const adaIds = await readIds(ada, '#messages li');
    await waitForIds(bob, '#messages li', adaIds);
    const bobIds = await readIds(bob, '#messages li');
    assertShownOnce(bobIds, sent, 'chat, second page');
    assert.deepEqual(bobIds, adaIds);
    assert.deepEqual(
      (await messages(bob)).map((m) => m.replace(/^Carol: /, '')),
      Array.from({ length: 6 }, (_, i) => `message ${i + 1}`),
    );
    assert.deepEqual(errors.flat(), []);
  } finally {
    await context.close();
    await app.close();
  }
});

test('POST /messages refuses bad input with the right status and a message that says what is wrong', async () => {
  const app = await startChat({ port: 0 });
  const cases: [unknown, number, RegExp, string?][] = [
    [{ name: 'Ada', text: '' }, 400, /text must not be empty/],
    [{ name: '  ', text: 'hi' }, 400, /name must not be empty/],
    [{ name: 'Ada' }, 400, /text must be a string/],
    [{ name: 42, text: 'hi' }, 400, /name must be a string/],
    [{ name: 'x'.repeat(MAX_NAME_LENGTH + 1), text: 'hi' }, 400, /name is 33 characters long; the limit is 32/],
    [{ name: 'Ada', text: 'y'.repeat(MAX_MESSAGE_LENGTH + 1) }, 400, /text is 501 characters long; the limit is 500/],
    [{ name: 'A\u0007da', text: 'hi' }, 400, /name must not contain control characters/],
    [{ name: 'Ada\nEve', text: 'hi' }, 400, /name must not contain control characters/],
    ['{"name":', 400, /must be JSON/],
    ['[1,2]', 400, /must be a JSON object/],
    ['null', 400, /must be a JSON object/],
    [{ name: 'Ada', text: 'z'.repeat(MAX_BODY_BYTES) }, 413, /larger than 4096 bytes/],
    ['name=Ada&text=hi', 415, /application\/json/, 'application/x-www-form-urlencoded'],
    // Not UTF-8 (0xFF): refused rather than shown to everyone as U+FFFD.
    [Buffer.from([...Buffer.from('{"name":"Ada","text":"'), 0xff, ...Buffer.from('"}')]), 400, /not valid UTF-8/],
  ];
  try {
    for (const [body, status, message, contentType] of cases) {
      const { status: got, text } = await post(app.url, body, contentType);
      assert.equal(got, status, `${JSON.stringify(body).slice(0, 60)}: ${text}`);
      assert.match((JSON.parse(text) as { error: string }).error, message);
    }
    // At the limits exactly, and with characters beyond the BMP counted as one each, it is accepted.
    const longest = await post(app.url, { name: '🙂'.repeat(MAX_NAME_LENGTH), text: 'é'.repeat(MAX_MESSAGE_LENGTH) });
    assert.equal(longest.status, 201, longest.text);
    // Multi-line messages are fine.
    assert.equal((await post(app.url, { name: 'Ada', text: 'two\nlines' })).status, 201);
    const wrongMethod = await fetch(new URL('/messages', app.url));
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.get('allow'), 'POST');
    await wrongMethod.body?.cancel();
  } finally {
    await app.close();
  }
});

test('`npm start -w examples/chat` serves the page and takes a message', async () => {
  const example = await spawnExample('chat');
  try {
    const page = await fetch(example.url);
    assert.match(await page.text(), /<title>Tidings chat<\/title>/);
    assert.equal((await post(example.url, { name: 'Ada', text: 'hi' })).status, 201);
  } finally {
    await example.stop();
  }
});
