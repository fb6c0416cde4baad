// Starts Debian's chromium for browser tests, headless, with the flags this machine needs (GUIDE.md):
// without the background-networking flags chromium keeps trying to reach hosts this network refuses.
// Playwright gives every launch a new empty profile.
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.TIDINGS_CHROMIUM ?? '/usr/bin/chromium';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches chromium; the caller closes it (`await browser.close()`). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: FLAGS });
}
