// End-to-end helpers for the example pages in headless chromium. Every example test follows one scenario:
// the page opens and shows events; the server cuts every stream (as a restarting proxy would) and keeps
// publishing; the page reconnects on its own with Last-Event-ID and shows every event it missed, once each
// and in order. Waits are for conditions on the page, never fixed sleeps.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';

/** How long to wait for something to show on a page before failing (reconnects take `retry` ms each). */
export const WAIT_MS = 15_000;

/** The `retry` hint the tests give the examples: short, so a reconnect takes a fraction of a second. */
export const TEST_RETRY_MS = 200;

/** One EventSource request the browser made, with the Last-Event-ID header it sent (null when none). */
export interface StreamRequest {
  readonly url: string;
  readonly lastEventId: string | null;
}

/** The stream requests a page made, in order; `settled()` waits until every header has been read. */
export interface StreamRequests {
  readonly count: number;
  settled(): Promise<StreamRequest[]>;
}

/**
 * Records every request the page makes whose path starts with `pathPrefix` (call before `page.goto`).
 * The headers are those the browser actually sent (`allHeaders`, which includes Last-Event-ID), so a
 * check on them proves the browser's own reconnection sent it.
 */
export function watchStreamRequests(page: Page, pathPrefix: string): StreamRequests {
  const pending: Promise<StreamRequest>[] = [];
  page.on('request', (request) => {
    if (!new URL(request.url()).pathname.startsWith(pathPrefix)) return;
    pending.push(
      request.allHeaders().then((headers) => ({ url: request.url(), lastEventId: headers['last-event-id'] ?? null })),
    );
  });
  return {
    get count() {
      return pending.length;
    },
    settled: () => Promise.all(pending),
  };
}

/** Fails the test on any error the page reports: a script error or a console error such as a CSP block. */
export function failOnPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('console', (message) => {
    // A dropped stream is logged by chromium as a failed request; that is the point of the test, not a fault.
    if (
      message.type() === 'error' &&
      !/ERR_(EMPTY_RESPONSE|CONNECTION|INCOMPLETE|HTTP2|NETWORK)/.test(message.text())
    ) {
      errors.push(message.text());
    }
  });
  return errors;
}

/** The ids of the elements matching `selector` that carry a data-id, in document order. */
export function readIds(page: Page, selector: string): Promise<string[]> {
  return page.$$eval(selector, (items) =>
    items.flatMap((item) => {
      const id = (item as HTMLElement).dataset.id;
      return id === undefined ? [] : [id];
    }),
  );
}

/** Waits until the page's element matching `selector` shows the connection state `state`. */
export async function waitForState(page: Page, state: 'connecting' | 'open' | 'closed', selector = '#state') {
  await page.waitForFunction(
    ([sel, want]) => document.querySelector<HTMLElement>(sel)?.dataset.state === want,
    [selector, state] as const,
    { timeout: WAIT_MS },
  );
}

/** Waits until every id in `ids` is on the page under `selector`. */
export async function waitForIds(page: Page, selector: string, ids: readonly string[]): Promise<void> {
  await page.waitForFunction(
    ([sel, wanted]) => {
      const shown = new Set(Array.from(document.querySelectorAll<HTMLElement>(sel), (item) => item.dataset.id));
      return wanted.every((id) => shown.has(id));
    },
    [selector, ids] as const,
    { timeout: WAIT_MS },
  );
}

/**
 * Asserts that `shown` (ids in arrival order) is exactly `published` (ids in publishing order): nothing
 * missing, repeated or reordered. Ids are random UUIDs, so the order is checked against what the test
 * published, not read from the ids. With `others`, the page may also show events the test did not publish
 * (the monitor's `connections`, sent when a page comes or goes): those are only checked for repeats.
 */
export function assertShownOnce(
  shown: readonly string[],
  published: readonly string[],
  what: string,
  others = false,
): void {
  assert.ok(shown.length > 0, `${what}: no events shown`);
  const repeated = shown.filter((id, index) => shown.indexOf(id) !== index);
  assert.deepEqual(repeated, [], `${what}: events shown more than once`);
  const wanted = new Set(published);
  assert.deepEqual(
    others ? shown.filter((id) => wanted.has(id)) : shown,
    published,
    `${what}: events missing, repeated or out of order`,
  );
}

export interface ReconnectScenario {
  readonly page: Page;
  /** Requests recorded by `watchStreamRequests` for this page's stream(s). */
  readonly requests: StreamRequests;
  /** Publishes one update now and resolves the id(s) of the event(s) it published. */
  publish(): Promise<string[]>;
  /** Cuts every stream on the server side while the server keeps running. */
  cut(): void;
  /** The shown ids in the order they arrived. */
  shownIds(): Promise<string[]>;
  /** Selector of the elements with a data-id, for waiting. */
  readonly selector: string;
  /** Selector of the element that shows readyState; default #state. */
  readonly stateSelector?: string;
  readonly what: string;
  /** The page also shows events that `publish` did not return (see assertShownOnce); default false. */
  readonly others?: boolean;
}

async function publishTimes(scenario: ReconnectScenario, times: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < times; i++) ids.push(...(await scenario.publish()));
  return ids;
}

/**
 * Runs the cut-and-reconnect scenario on a page that is open and connected: two events live, a cut,
 * three events published while the page is away, the reconnect, one more live event. Then checks that
 * the page showed every event exactly once, in order, and that the reconnect sent Last-Event-ID.
 */
export async function expectReplayAfterCut(scenario: ReconnectScenario): Promise<void> {
  const { page, selector, what } = scenario;
  const stateSelector = scenario.stateSelector ?? '#state';
  await waitForState(page, 'open', stateSelector);
  const before = await publishTimes(scenario, 2);
  await waitForIds(page, selector, before);
  const lastBeforeCut = (await scenario.shownIds()).at(-1);
  assert.ok(lastBeforeCut !== undefined, `${what}: nothing shown before the cut`);
  const requestsBeforeCut = scenario.requests.count;

  scenario.cut();
  // Published right after the cut: the browser waits at least `retry` ms before reconnecting, so these
  // can only reach the page through the replay of the history.
  const away = await publishTimes(scenario, 3);
  await waitForIds(page, selector, away);
  await waitForState(page, 'open', stateSelector);
  const after = await publishTimes(scenario, 1);
  await waitForIds(page, selector, after);

  const shown = await scenario.shownIds();
  assertShownOnce(shown, [...before, ...away, ...after], what, scenario.others);
  const reconnects = (await scenario.requests.settled()).slice(requestsBeforeCut);
  assert.ok(reconnects.length > 0, `${what}: the page did not reconnect`);
  assert.ok(
    reconnects.some((request) => request.lastEventId === lastBeforeCut),
    `${what}: no reconnect sent Last-Event-ID ${lastBeforeCut} (sent: ${reconnects.map((r) => r.lastEventId).join(', ')})`,
  );
}
