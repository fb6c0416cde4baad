// Starts Debian's chromium for browser tests, headless, with the flags this machine needs (GUIDE.md):
// without the background-networking flags chromium keeps trying to reach hosts this network refuses.
// Playwright gives every launch a new empty profile.
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Where chromium is looked for: TIDINGS_CHROMIUM, else Debian's /usr/bin/chromium. */
export const chromiumPath = () => process.env.TIDINGS_CHROMIUM ?? '/usr/bin/chromium';

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

/** Launches chromium, with `extraArgs` after the machine's flags; the caller closes it (`await browser.close()`). */
export async function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  const executablePath = chromiumPath();
  // On a new machine the browser tests are the first to notice chromium is missing: say how to get it.
  if (!existsSync(executablePath)) {
    throw new Error(
      `no chromium at ${executablePath}: browser tests need Debian's chromium (apt-get install -y chromium, ` +
        'as .ci/run does) or TIDINGS_CHROMIUM set to a chromium binary',
    );
  }
  return chromium.launch({ executablePath, headless: true, args: [...FLAGS, ...extraArgs] });
}
