// `npm start` (scripts/start.mjs): the hub with its dashboard on the in-memory store, a fresh
// key per run, and a printed dashboard link whose token publishes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createVerifyKey, verifyJwt } from '@tidings/hub';

const START = fileURLToPath(new URL('../../scripts/start.mjs', import.meta.url));

/**
 * Runs `npm start` with `args` and `env` until it has printed its banner, calls `check` with the banner,
 * then stops it with SIGTERM and resolves its exit code and everything it printed.
 */
async function withStart(
  args: readonly string[],
  env: Record<string, string>,
  check: (banner: string) => Promise<void>,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--conditions=tidings-source', '--import', 'tsx', START, ...args], {
    env: { ...process.env, TIDINGS_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const banner = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no dashboard link within 30 s:\n${output}`)), 30_000);
      child.stdout.on('data', (chunk: string) => {
        output += chunk;
        if (/Publish: .*\n/.test(output)) {
          clearTimeout(timer);
          resolve(output);
        }
      });
      child.on('exit', () => reject(new Error(`npm start exited early:\n${output}`)));
    });
    await check(banner);
  } finally {
    child.kill('SIGTERM');
  }
  return { code: await exited, output };
}

/** Publishes one update with `token`; resolves the answer. */
const publishWith = (base: string, token: string, body: string) =>
  fetch(`${base}/.well-known/mercure`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });

test('npm start runs the hub with its dashboard and prints a working dev token', async () => {
  const { code, output } = await withStart([], {}, async (banner) => {
    const dashboard = /Dashboard:\s+(\S+)\/#token=(\S+)/.exec(banner);
    assert.ok(dashboard, `a dashboard link with a token:\n${banner}`);
    const [, base, token] = dashboard;

    const page = await fetch(`${base}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<html/i);
    assert.match(banner, /Examples: +npm start -w examples\/ticker/, 'the demos are the examples');

    const published = await publishWith(base!, token!, 'topic=https://example.com/books/1&data=hello');
    assert.equal(published.status, 200, await published.clone().text());
    assert.ok((await published.text()).length > 0, 'the answer is the new event id');
  });
  assert.equal(code, 0, `exits 0 on SIGTERM:\n${output}`);
});

test('npm start keeps a key given in TIDINGS_JWT_KEY or --jwt-key, and prints tokens made with it', async () => {
  const given = 'a-key-of-the-users-own-at-least-32-bytes';
  for (const [args, env] of [
    [[], { TIDINGS_JWT_KEY: given }],
    [['--jwt-key', given], {}],
  ] as const) {
    const { code } = await withStart(args, env, async (banner) => {
      const [, base, token] = /Dashboard:\s+(\S+)\/#token=(\S+)/.exec(banner)!;
      await verifyJwt(token!, createVerifyKey('HS256', given)); // throws unless signed with the given key
      // The printed curl line can be pasted as it is: it carries the token, not a placeholder.
      assert.ok(banner.includes(`Authorization: Bearer ${token}`), banner);
      const published = await publishWith(base!, token!, 'topic=urn:start&data=hello');
      assert.equal(published.status, 200, JSON.stringify(args));
    });
    assert.equal(code, 0);
  }
});
