// One headless Chromium per test file: launched before the file's first test, closed after its last.
import { after, before } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../../test-support/browser.ts';

/** Registers the before/after hooks and returns the browser they launch (call it inside a test). */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });
  return () => {
    if (browser === undefined) throw new Error('the browser is launched in before(); use it inside a test');
    return browser;
  };
}
