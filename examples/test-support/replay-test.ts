// The reconnect test most examples run as is: start the example with no timer, open its page, cut every
// stream and check the page replays what it missed (expectReplayAfterCut), with no error on the page.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { expectReplayAfterCut, failOnPageErrors, readIds, TEST_RETRY_MS, watchStreamRequests } from './e2e.ts';

/** What the test needs of an example: its page, a way to cut its streams, and close(). */
export interface ReplayableExample {
  readonly url: string;
  cutStreams(): void;
  close(): Promise<void>;
}

export interface ReplayCase<App extends ReplayableExample> {
  /** Starts the example; called with the options the test gives it (no timer, a short `retry`). */
  start(options: { port: 0; intervalMs: null; retryMs: number }): Promise<App>;
  /** Path of the page's event stream, whose requests are checked for Last-Event-ID. */
  readonly streamPath: string;
  /** Name in failure messages. */
  readonly what: string;
  /** Selector of the shown events (newest first, each with a data-id); default `#log li`. */
  readonly selector?: string;
  /** Publishes one update and resolves its id(s). */
  publish(app: App): Promise<string[]>;
  /** The page also shows events that `publish` did not return (see assertShownOnce); default false. */
  readonly others?: boolean;
  /** Further checks on the page once the replay is done. */
  afterReplay?(page: Page, app: App): Promise<void>;
}

/** Runs the cut-and-replay scenario for one example in a new page of `browser`. */
export async function checkReplayAfterCut<App extends ReplayableExample>(
  browser: Browser,
  replay: ReplayCase<App>,
): Promise<void> {
  const selector = replay.selector ?? '#log li';
  const app = await replay.start({ port: 0, intervalMs: null, retryMs: TEST_RETRY_MS });
  const page = await browser.newPage();
  const errors = failOnPageErrors(page);
  const requests = watchStreamRequests(page, replay.streamPath);
  try {
    await page.goto(app.url);
    await expectReplayAfterCut({
      page,
      requests,
      what: replay.what,
      selector,
      others: replay.others ?? false,
      publish: () => replay.publish(app),
      cut: () => app.cutStreams(),
      // Newest at the top: reversed, the list is in arrival order.
      shownIds: async () => (await readIds(page, selector)).reverse(),
    });
    await replay.afterReplay?.(page, app);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    await app.close();
  }
}
