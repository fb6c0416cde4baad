import assert from 'node:assert/strict';
import { createPublicKey, X509Certificate } from 'node:crypto';
import { connect } from 'node:http2';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../../../test-support/browser.ts';
import {
  assertShownOnce,
  failOnPageErrors,
  readIds,
  TEST_RETRY_MS,
  waitForIds,
  waitForState,
  watchStreamRequests,
} from '../../test-support/e2e.ts';
import { spawnExample } from '../../test-support/spawn-example.ts';
import { makeSelfSignedCertificate } from '../self-signed.ts';
import { SENSOR_COUNT, startHttp2Example } from '../server.ts';

/** More streams than the six connections per host a browser allows over HTTP/1.1. */
const HTTP1_CONNECTIONS_PER_HOST = 6;

let browser: Browser;
let context: BrowserContext;
before(async () => {
  browser = await launchBrowser();
  // The certificate is self-signed: the test browser is told to accept it, as a user would click through.
  context = await browser.newContext({ ignoreHTTPSErrors: true });
});
after(async () => {
  await browser?.close();
});

const sensorIds = (page: Page, n: number) => readIds(page, `#sensor-${n} .log li`);

async function waitForEverySensor(page: Page, idsBySensor: string[][]) {
  for (let n = 1; n <= SENSOR_COUNT; n++) {
    await waitForIds(
      page,
      `#sensor-${n} .log li`,
      idsBySensor.map((ids) => ids[n - 1] ?? ''),
    );
  }
}

test(`the page opens ${SENSOR_COUNT} event streams over one HTTP/2 connection and all of them receive`, async () => {
  assert.ok(SENSOR_COUNT > HTTP1_CONNECTIONS_PER_HOST);
  const app = await startHttp2Example({ port: 0, intervalMs: 50, retryMs: TEST_RETRY_MS });
  const page = await context.newPage();
  const errors = failOnPageErrors(page);
  try {
    await page.goto(app.url);
    assert.equal(await page.textContent('#protocol'), 'h2');
    for (let n = 1; n <= SENSOR_COUNT; n++) await waitForState(page, 'open', `#sensor-${n} .state`);
    await page.waitForFunction(
      (count) =>
        Array.from({ length: count }, (_, i) => document.querySelectorAll(`#sensor-${i + 1} .log li`).length).every(
          (length) => length >= 2,
        ),
      SENSOR_COUNT,
    );
    for (let n = 1; n <= SENSOR_COUNT; n++) {
      assert.match((await page.textContent(`#sensor-${n} .celsius`)) ?? '', /^-?\d+\.\d\d °C$/);
    }
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    await app.close();
  }
});

test('after every HTTP/2 connection is cut, all streams reconnect with Last-Event-ID and replay what they missed', async () => {
  const app = await startHttp2Example({ port: 0, intervalMs: null, retryMs: TEST_RETRY_MS });
  const page = await context.newPage();
  const errors = failOnPageErrors(page);
  const requests = watchStreamRequests(page, '/sensors/');
  try {
    await page.goto(app.url);
    for (let n = 1; n <= SENSOR_COUNT; n++) await waitForState(page, 'open', `#sensor-${n} .state`);
    const before = [await app.tick(), await app.tick()];
    await waitForEverySensor(page, before);
    const lastBefore = before.at(-1) ?? [];
    const requestsBeforeCut = requests.count;

    app.cutStreams();
    const away = [await app.tick(), await app.tick(), await app.tick()];
    await waitForEverySensor(page, away);
    for (let n = 1; n <= SENSOR_COUNT; n++) await waitForState(page, 'open', `#sensor-${n} .state`);
    const afterCut = [await app.tick()];
    await waitForEverySensor(page, afterCut);

    const reconnectsAll = (await requests.settled()).slice(requestsBeforeCut);
    for (let n = 1; n <= SENSOR_COUNT; n++) {
      const shown = (await sensorIds(page, n)).reverse();
      const published = [...before, ...away, ...afterCut].map((ids) => ids[n - 1] ?? '');
      assertShownOnce(shown, published, `sensor ${n}`);
      const reconnects = reconnectsAll.filter((r) => r.url.includes(`/sensors/${n}/events`));
      assert.ok(
        reconnects.some((r) => r.lastEventId === lastBefore[n - 1]),
        `sensor ${n} reconnected with Last-Event-ID ${lastBefore[n - 1]}`,
      );
    }
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    await app.close();
  }
});

test('the server answers HTTP/2 with the event-stream head, and 404 for an unknown sensor', async () => {
  const app = await startHttp2Example({ port: 0, intervalMs: null });
  const client = connect(app.url, { rejectUnauthorized: false });
  try {
    const head = (path: string, accept: string) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const stream = client.request({ ':path': path, accept });
        stream.once('response', (headers) => {
          stream.close();
          resolve(headers);
        });
        stream.once('error', reject);
      });
    const stream = await head('/sensors/1/events', 'text/event-stream');
    assert.equal(stream[':status'], 200);
    assert.equal(stream['content-type'], 'text/event-stream; charset=utf-8');
    assert.equal(stream.connection, undefined, 'HTTP/2 forbids Connection');
    assert.equal((await head(`/sensors/${SENSOR_COUNT + 1}/events`, 'text/event-stream'))[':status'], 404);
    assert.equal((await head('/sensors/1/events', 'text/html'))[':status'], 406);
  } finally {
    client.close();
    await app.close();
  }
});

test('the self-signed certificate is a valid X.509 certificate for localhost and 127.0.0.1', () => {
  const { cert, key } = makeSelfSignedCertificate(new Date('2030-01-01T00:00:00Z'));
  const x509 = new X509Certificate(cert);
  assert.equal(x509.subject, 'CN=localhost');
  assert.equal(x509.issuer, 'CN=localhost');
  assert.equal(x509.checkHost('localhost'), 'localhost');
  assert.equal(x509.checkIP('127.0.0.1'), '127.0.0.1');
  assert.equal(x509.ca, false);
  assert.ok(x509.verify(createPublicKey(key)), 'signed by its own key');
  assert.equal(new Date(x509.validTo).toISOString(), '2030-01-31T00:00:00.000Z');
  // From 2050 RFC 5280 switches to GeneralizedTime.
  const later = new X509Certificate(makeSelfSignedCertificate(new Date('2060-06-01T00:00:00Z')).cert);
  assert.equal(new Date(later.validTo).toISOString(), '2060-07-01T00:00:00.000Z');
});

test('`npm start -w examples/http2` serves the page over HTTPS', async () => {
  const example = await spawnExample('http2');
  const page = await context.newPage();
  try {
    assert.match(example.url, /^https:\/\//);
    await page.goto(example.url);
    assert.equal(await page.title(), 'Tidings over HTTP/2');
    assert.equal(await page.textContent('#protocol'), 'h2');
    await waitForState(page, 'open', `#sensor-${SENSOR_COUNT} .state`);
  } finally {
    await page.close();
    await example.stop();
  }
});
