// Starts a hub in-process on an ephemeral port with the dashboard mounted, for the dashboard tests.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createHub,
  type Dashboard,
  type DashboardOptions,
  type Hub,
  type HubOptions,
  mountDashboard,
} from '@tidings/hub';
import type { Browser, Page } from 'playwright-core';

export interface DashboardHub {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** http://127.0.0.1:PORT/.well-known/mercure */
  readonly hubUrl: string;
  readonly hub: Hub;
  readonly dashboard: Dashboard;
  close(): Promise<void>;
}

export async function startDashboardHub(
  hubOptions: HubOptions = {},
  dashboardOptions: DashboardOptions = {},
): Promise<DashboardHub> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const hub = createHub({ log: null, publicUrl: `${url}/.well-known/mercure`, ...hubOptions });
  server.on('request', hub.listener);
  const dashboard = mountDashboard(hub, dashboardOptions);
  return {
    url,
    hubUrl: `${url}/.well-known/mercure`,
    hub,
    dashboard,
    async close() {
      dashboard.close();
      await hub.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Resolves once `predicate` holds, checking every 20 ms; rejects after `timeoutMs` saying what was awaited. */
export async function until(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Opens `target` in a new page of `browser` and waits for `readySelector`, recording page errors, console
 * errors and any request that leaves `origin` (pages must load everything from the hub).
 */
export async function openPage(
  browser: Browser,
  target: string,
  origin: string,
  readySelector: string,
): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('request', (request) => {
    if (!request.url().startsWith(`${origin}/`)) problems.push(`request elsewhere: ${request.url()}`);
  });
  await page.goto(target);
  await page.waitForSelector(readySelector);
  return { page, problems };
}
