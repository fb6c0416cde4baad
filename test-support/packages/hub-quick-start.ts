// The hub README's quick start, from the fresh project: `tidings --help`, a token from `tidings token`, a
// hub with its dashboard on a SQLite store (so the native module loads too), a subscriber, and
// `tidings publish`. Ports are free ones (--port 0), not the README's 3000: the machine is shared.
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readStream } from './http-helpers.ts';
import { EXAMPLE_WAIT_MS } from './run-example.ts';

const run = promisify(execFile);
// Long enough for the HS256 minimum (32 bytes); a test key, never a real one.
const KEY = 'packed-install-test-key-0123456789abcdef';
const TOPIC = 'https://example.com/books/1';

/** The `tidings` command as installed: the package's bin file, run by `node`. */
function tidingsBin(project: string): string {
  return join(project, 'node_modules', '@tidings', 'hub', 'bin', 'tidings.js');
}

async function tidings(node: string, project: string, args: string[]): Promise<string> {
  const { stdout } = await run(node, [tidingsBin(project), ...args], { cwd: project, timeout: EXAMPLE_WAIT_MS });
  return stdout;
}

/** Starts `tidings hub` and resolves its base URL from the first log line. */
async function startHub(node: string, project: string): Promise<{ child: ChildProcess; url: string }> {
  const args = ['hub', '--port', '0', '--jwt-key', KEY, '--dashboard', '--store', `sqlite:${join(project, 'hub.db')}`];
  const child = spawn(node, [tidingsBin(project), ...args], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => {
    output += text;
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the hub did not start:\n${output}`)), EXAMPLE_WAIT_MS);
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      output += text;
      const line = /^\{.*"msg":"listening".*\}$/m.exec(output)?.[0];
      if (line !== undefined) {
        clearTimeout(timer);
        resolve(JSON.parse(line).url);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the hub exited with ${code}:\n${output}`));
    });
  });
  return { child, url };
}

export async function checkHubQuickStart(node: string, project: string): Promise<void> {
  const help = await tidings(node, project, ['--help']);
  assert.match(help, /tidings hub/);

  const token = (await tidings(node, project, ['token', '--key', KEY, '--publish', '*', '--subscribe', '*'])).trim();
  assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);

  const { child, url } = await startHub(node, project);
  try {
    // The dashboard's files come from the package's static/ folder, its client from @tidings/client.
    const page = await fetch(`${url}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<html/i);
    const bundle = await fetch(`${url}/dashboard/tidings-client.js`);
    assert.equal(bundle.status, 200, 'the client bundle is served (import.meta.resolve found it)');
    assert.match(await bundle.text(), /EventSource/);

    let id = '';
    const { text } = await readStream(
      `${url}/.well-known/mercure?topic=${encodeURIComponent('https://example.com/books/{id}')}`,
      { headers: { authorization: `Bearer ${token}` } },
      (t) => t.includes('data: hello\n\n'),
      async (response) => {
        assert.equal(response.status, 200);
        id = (
          await tidings(node, project, ['publish', '--url', url, '--token', token, '--topic', TOPIC, '--data', 'hello'])
        ).trim();
      },
    );
    assert.match(id, /^urn:uuid:/);
    assert.ok(text.includes(`id: ${id}\ndata: hello\n\n`), text);
  } finally {
    const running = child.exitCode === null && child.signalCode === null;
    const exited = running ? once(child, 'exit') : Promise.resolve([child.exitCode]);
    child.kill('SIGTERM');
    const [code] = await exited;
    assert.equal(code, 0, 'SIGTERM ends the hub with exit code 0');
  }
}
