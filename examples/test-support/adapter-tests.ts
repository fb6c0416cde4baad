// The tests the Express, Fastify and Hono examples share: they serve the same page and the same `tick`
// events, so one scenario checks each framework's wiring of the same library.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { failOnPageErrors, TEST_RETRY_MS, waitForState } from './e2e.ts';
import { checkReplayAfterCut, type ReplayableExample } from './replay-test.ts';
import { readStreamText, spawnExample } from './spawn-example.ts';
import { useBrowser } from './use-browser.ts';

interface AdapterExample extends ReplayableExample {
  tick(): Promise<string>;
}

type Start = (options: { port: number; intervalMs: number | null; retryMs?: number }) => Promise<AdapterExample>;

/** The title of the page the three adapter examples share (examples/shared/adapter-page/). */
const title = 'Tidings counter';

/** Registers the adapter tests for `examples/<name>`. */
export function adapterExampleTests(name: string, start: Start): void {
  const browser = useBrowser();

  test(`${name}: the page opens and shows the ticks as they come`, async () => {
    const app = await start({ port: 0, intervalMs: 50, retryMs: TEST_RETRY_MS });
    const page = await browser().newPage();
    const errors = failOnPageErrors(page);
    try {
      await page.goto(app.url);
      assert.equal(await page.title(), title);
      await waitForState(page, 'open');
      await page.waitForFunction(() => document.querySelectorAll('#log li').length >= 3);
      assert.match((await page.textContent('#count')) ?? '', /^\d+$/);
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
      await app.close();
    }
  });

  test(`${name}: after a cut the page reconnects with Last-Event-ID and shows every missed tick once, in order`, () =>
    checkReplayAfterCut(browser(), {
      start,
      streamPath: '/events',
      what: name,
      publish: async (app) => [await app.tick()],
      afterReplay: async (page) => {
        assert.equal(await page.textContent('#count'), '6', 'the counter shows the last of the 6 ticks');
      },
    }));

  test(`${name}: unknown paths get 404, a stream request for HTML gets 406`, async () => {
    const app = await start({ port: 0, intervalMs: null });
    try {
      const missing = await fetch(new URL('/missing', app.url));
      assert.equal(missing.status, 404);
      assert.match(await missing.text(), /Not found: \/missing/);
      const html = await fetch(new URL('/events', app.url), { headers: { accept: 'text/html' } });
      assert.equal(html.status, 406);
      await html.body?.cancel();
    } finally {
      await app.close();
    }
  });

  test(`${name}: \`npm start -w examples/${name}\` serves the page and the stream`, async () => {
    const example = await spawnExample(name);
    try {
      const page = await fetch(example.url);
      assert.equal(page.status, 200);
      assert.ok((await page.text()).includes(`<title>${title}</title>`));
      const { response, text } = await readStreamText(new URL('/events', example.url).href, (t) =>
        /event: tick\ndata: .*\n/.test(t),
      );
      assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
      assert.match(text, /id: \S+\nevent: tick\ndata: \{"count":\d+,/);
    } finally {
      await example.stop();
    }
  });
}
