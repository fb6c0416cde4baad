import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { test } from 'node:test';
import { launchBrowser } from '../browser.ts';

test('chromium starts headless and renders a page served on loopback', async () => {
  const server = createServer((_req, res) => res.end('<title>ok</title><p id="x">hello</p>')).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    assert.equal(await page.textContent('#x'), 'hello');
  } finally {
    await browser.close();
    server.close();
  }
});

test('a missing chromium is named with the command that installs it', async () => {
  const saved = process.env.TIDINGS_CHROMIUM;
  process.env.TIDINGS_CHROMIUM = '/nonexistent/chromium';
  try {
    await assert.rejects(launchBrowser(), /no chromium at \/nonexistent\/chromium: .*apt-get install -y chromium/);
  } finally {
    if (saved === undefined) delete process.env.TIDINGS_CHROMIUM;
    else process.env.TIDINGS_CHROMIUM = saved;
  }
});
