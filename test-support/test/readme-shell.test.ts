// Every shell block of every README.md (```sh, ```bash, ```shell) is checked: `bash -n` parses it, and each
// `tidings <command>` (or `npx tidings`, or `npm start -- …`, which passes its flags to `tidings hub`) names
// only flags that command's --help lists; inline `code` in the prose gets the same flag check. The blocks a
// user pastes on the first day are also run for real, marked by a comment just before their fence:
//
//   <!-- readme-shell: hub -->         starts the hub the README's later blocks talk to. Only its
//                                      `npm start` or `[npx] tidings hub …` line runs (not `npm install`), on a
//                                      free port (TIDINGS_PORT=0), and the test waits for its "listening" line.
//                                      A README with runnable blocks and no hub block gets
//                                      `tidings hub --anonymous`.
//   <!-- readme-shell: run -->         bash runs the block (errexit, pipefail); it must exit 0.
//   <!-- readme-shell: background -->  bash starts the block and leaves it running, like a second terminal.
//                                      It must open one subscription: the test waits until the hub's
//                                      tidings_subscribers gauge counts one more before it goes on.
//   <!-- readme-shell: output -->      a plain ``` block: everything a background block printed (the first
//                                      output block is the first background block's, the next the next one's).
//                                      Its lines must come out in that order and nothing else (blank lines and
//                                      `:` keep-alive comments aside); `…` stands for any text. The test waits
//                                      for them, then stops that background block.
//
// What the runner does to a block before it runs, so that it talks to the test's hub and nothing else:
// - `127.0.0.1:3000` and `localhost:3000` become the hub's address.
// - KEY is the hub's JWT key (the one its command names, else a random one the test gives it) and TOKEN a
//   token that may publish and subscribe to everything (with `npm start`: the dev token it printed).
//   Variables a block sets carry over to the next blocks of the same README, as in one terminal.
// - `tidings`, `npx tidings` and `npm start` run the TypeScript sources (tsx), like every other test, so no
//   build is needed between an edit and a run; any other `npx` or `npm` command fails: runnable blocks
//   must not install anything.
// - `curl` runs with --fail-with-body, so an HTTP error (401, 403, …) fails the block instead of printing
//   a body nobody reads.
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, type StdioOptions, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type FencedBlock, fencedBlocks, findReadmes, inlineCode } from './readme-blocks.ts';
import { matchOutput } from './shell-output.ts';
import { tidingsCommands } from './tidings-commands.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SHELL = new Set(['sh', 'bash', 'shell']);
const MARKER = /^readme-shell:\s*(hub|run|background|output)$/;
/** Limits of one run, generous for a shared machine: a block that takes longer is stuck, not slow. */
const BLOCK_TIMEOUT_MS = 60_000;
const WAIT_TIMEOUT_MS = 30_000;
const README_ADDRESS = /\b(?:127\.0\.0\.1|localhost):3000\b/g;
const TSX = ['--conditions=tidings-source', '--import', 'tsx'];

// A BASH_ENV of this machine's (a login's .bashrc) would run before every block. So would ~/.bashrc when
// bash's stdin is a socket (bash takes that for sshd): every bash here gets no stdin at all.
const { BASH_ENV: _ignored, ...ENV } = process.env;
const NO_STDIN: StdioOptions = ['ignore', 'pipe', 'pipe'];
const work = mkdtempSync(join(tmpdir(), 'tidings-readme-shell-'));
after(() => rmSync(work, { recursive: true, force: true }));

// ---- the commands the blocks find on their PATH ----

const shims = join(work, 'bin');
function shim(name: string, body: string) {
  mkdirSync(shims, { recursive: true });
  writeFileSync(join(shims, name), `#!/bin/bash\n${body}\n`);
  chmodSync(join(shims, name), 0o755);
}
const realCurl = execFileSync('bash', ['-c', 'command -v curl'], {
  encoding: 'utf8',
  env: ENV,
  stdio: NO_STDIN,
}).trim();
const node = JSON.stringify(process.execPath);
shim('tidings', `exec ${node} ${TSX.join(' ')} ${JSON.stringify(join(ROOT, 'packages/hub/src/cli.ts'))} "$@"`);
shim(
  'npx',
  'if [ "$1" = tidings ]; then shift; exec tidings "$@"; fi\necho "readme-shell: only npx tidings runs here, not npx $*" >&2; exit 127',
);
shim(
  'npm',
  `if [ "$1" = start ]; then shift; [ "$1" = -- ] && shift; exec ${node} ${TSX.join(' ')} ${JSON.stringify(join(ROOT, 'scripts/start.mjs'))} "$@"; fi\necho "readme-shell: only npm start runs here, not npm $*" >&2; exit 127`,
);
shim('curl', `exec ${JSON.stringify(realCurl)} --fail-with-body "$@"`);
const PATH = `${shims}:${ENV.PATH}`;

// ---- the flags each command takes, from its own --help ----

function helpFlags(command: string): Set<string> {
  const help = execFileSync(join(shims, 'tidings'), [command, '--help'], {
    encoding: 'utf8',
    env: ENV,
    stdio: NO_STDIN,
  });
  const flags = new Set<string>();
  for (const [, names] of help.matchAll(/^ {2}(--[a-z0-9-]+(?:, --[a-z0-9-]+)?)/gm)) {
    for (const name of names!.split(', ')) flags.add(name);
  }
  assert.ok(flags.size > 2, `tidings ${command} --help lists its flags:\n${help}`);
  return flags;
}
const FLAGS = new Map(['hub', 'token', 'publish'].map((command) => [command, helpFlags(command)]));

/** Problems with the `tidings` commands in `text` (`README:LINE: …`). */
function flagProblems(where: string, text: string): string[] {
  const problems: string[] = [];
  for (const { command, flags } of tidingsCommands(text)) {
    const known = FLAGS.get(command);
    if (known === undefined) {
      problems.push(`${where}: tidings has no command "${command}" (commands: ${[...FLAGS.keys()].join(', ')})`);
      continue;
    }
    for (const flag of flags) {
      const name = flag.split('=')[0]!;
      if (!known.has(name)) problems.push(`${where}: tidings ${command} has no flag ${name}`);
    }
  }
  return problems;
}

// ---- running blocks ----

interface Hub {
  port: number;
  key: string;
  token: string;
  process: ChildProcess;
  output: () => string;
}

interface Running {
  child: ChildProcess;
  /** What it wrote to stdout: what a README's output block shows. */
  output: () => string;
  /** stdout and stderr, for failure messages (curl's progress meter goes to stderr when not on a terminal). */
  everything: () => string;
}

function spawnBlock(script: string, env: NodeJS.ProcessEnv): Running {
  // Its own process group, so that stopping it also stops what it started (curl, node).
  const child = spawn('bash', ['-c', script], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let everything = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
    everything += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (everything += chunk));
  return { child, output: () => output, everything: () => everything };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid!, 'SIGTERM');
  } catch {
    // already gone
  }
  return exited;
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, detail: () => string) {
  const deadline = Date.now() + WAIT_TIMEOUT_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}\n${detail()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The words of a shell command line, as bash splits them (quotes and all), without running it. */
function shellWords(line: string): string[] {
  const words = execFileSync('bash', ['-c', `printf '%s\\0' ${line}`], {
    encoding: 'utf8',
    env: { ...ENV, PATH },
    stdio: NO_STDIN,
  });
  return words.split('\0').slice(0, -1);
}

/** Starts the hub of a `hub` block (or the default hub) and waits until it listens. */
async function startHub(block: FencedBlock | null): Promise<Hub> {
  const line =
    block === null
      ? 'tidings hub --anonymous'
      : block.code.split('\n').find((text) => /^\s*(npm start\b|(npx )?tidings hub\b)/.test(text));
  assert.ok(line, `the hub block at line ${block?.line} has an npm start or tidings hub line`);
  const command = line.replace(/\s+#.*$/, '');
  const words = shellWords(command);
  const flag = words.indexOf('--jwt-key');
  const named = flag === -1 ? undefined : words[flag + 1];
  const key = named ?? randomBytes(32).toString('base64url');
  const { child, everything: output } = spawnBlock(`exec ${command}`, {
    ...ENV,
    PATH,
    TIDINGS_PORT: '0',
    TIDINGS_JWT_KEY: key,
  });
  const listening = await until(
    'the hub to listen',
    () => {
      if (child.exitCode !== null) assert.fail(`the hub exited with ${child.exitCode}:\n${output()}`);
      // Whole lines only: the last one may still be arriving.
      for (const text of output().split('\n').slice(0, -1)) {
        if (!text.startsWith('{')) continue;
        const entry = JSON.parse(text) as { msg?: string; url?: string };
        if (entry.msg === 'listening') return entry;
      }
      return undefined;
    },
    output,
  );
  const port = Number(new URL(listening.url!).port);
  // npm start prints its dev token; otherwise the test signs one with the hub's key.
  const printed = /Authorization: Bearer (\S+)"/.exec(output())?.[1];
  const token =
    printed ??
    execFileSync(join(shims, 'tidings'), ['token', '--key', key, '--publish', '*', '--subscribe', '*'], {
      encoding: 'utf8',
      env: ENV,
      stdio: NO_STDIN,
    }).trim();
  return { port, key, token, process: child, output };
}

async function subscribers(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const value = /^tidings_subscribers (\d+)$/m.exec(text)?.[1];
  assert.ok(value !== undefined, 'the hub reports tidings_subscribers');
  return Number(value);
}

const readmes = findReadmes(ROOT);

test('the READMEs are found, and some of their blocks are marked to run', () => {
  assert.ok(readmes.includes('README.md') && readmes.includes('packages/hub/README.md'), readmes.join(', '));
  const marked = readmes.flatMap((readme) =>
    fencedBlocks(readFileSync(join(ROOT, readme), 'utf8')).filter((block) => block.marker?.startsWith('readme-shell')),
  );
  assert.ok(marked.length >= 8, `${marked.length} marked blocks`);
});

for (const readme of readmes) {
  const markdown = readFileSync(join(ROOT, readme), 'utf8');
  const blocks = fencedBlocks(markdown);
  const shell = blocks.filter((block) => SHELL.has(block.language));
  const spans = inlineCode(markdown).filter(({ code }) => tidingsCommands(code).length > 0);
  if (shell.length === 0 && spans.length === 0) continue;

  test(readme, async (t) => {
    // Every block parses and names known flags; so does every inline `tidings …` in the prose.
    const problems: string[] = [];
    for (const block of shell) {
      const file = join(work, 'parse.sh');
      writeFileSync(file, block.code);
      const parsed = spawnSync('bash', ['-n', file], { encoding: 'utf8', env: ENV, stdio: NO_STDIN });
      if (parsed.status !== 0) problems.push(`${readme}:${block.line}: bash -n: ${parsed.stderr.trim()}`);
      problems.push(...flagProblems(`${readme}:${block.line}`, block.code));
    }
    for (const span of spans) problems.push(...flagProblems(`${readme}:${span.line}`, span.code));
    for (const block of blocks) {
      if (block.marker?.startsWith('readme-shell') && !MARKER.test(block.marker))
        problems.push(`${readme}:${block.line}: unknown marker "${block.marker}"`);
      const kind = MARKER.exec(block.marker ?? '')?.[1];
      if (kind === 'output' && block.language !== '')
        problems.push(`${readme}:${block.line}: an output block is a plain \`\`\` block`);
      if (kind !== undefined && kind !== 'output' && !SHELL.has(block.language))
        problems.push(`${readme}:${block.line}: a ${kind} block is a \`\`\`sh block`);
    }
    assert.deepEqual(problems, [], problems.join('\n'));

    const steps = blocks.filter((block) => MARKER.test(block.marker ?? ''));
    if (steps.length === 0) return;
    let hub: Hub | null = null;
    const state = join(work, `${readme.replaceAll('/', '-')}.env`);
    const background: (Running & { line: number })[] = [];
    let shown = 0;
    try {
      for (const block of steps) {
        const kind = MARKER.exec(block.marker!)![1];
        if (kind === 'hub') {
          assert.equal(hub, null, `${readme}:${block.line}: one hub block per README`);
          hub = await startHub(block);
          continue;
        }
        hub ??= await startHub(null);
        const running = hub;
        if (kind === 'output') {
          const last = background[shown++];
          assert.ok(last, `${readme}:${block.line}: an output block shows a background block's output`);
          await t.test(`output at line ${block.line}`, async () => {
            const expected = block.code.replace(README_ADDRESS, `127.0.0.1:${running.port}`);
            await until(
              `the output shown at ${readme}:${block.line}`,
              () => (matchOutput(expected, last.output()).complete ? true : undefined),
              () => `it printed:\n${last.everything()}`,
            );
            await stop(last.child);
            const result = matchOutput(expected, last.output());
            assert.ok(result.exact, `${readme}:${block.line}: ${result.problem}\nit printed:\n${last.output()}`);
          });
          continue;
        }
        const code = block.code.replace(README_ADDRESS, `127.0.0.1:${running.port}`);
        // allexport: every variable a block sets is kept for the next ones, as one terminal would.
        const script = `set -a\n[ -f ${state} ] && . ${state}\nset -eo pipefail\n${code}\nexport -p > ${state}\n`;
        const env = { ...ENV, PATH, KEY: running.key, TOKEN: running.token };
        if (kind === 'background') {
          await t.test(`background block at line ${block.line}`, async () => {
            const before = await subscribers(running.port);
            const started = spawnBlock(script.replace(/\nexport -p > .*\n$/, '\n'), env);
            background.push({ ...started, line: block.line });
            await until(
              `the subscription of ${readme}:${block.line} to open`,
              async () => {
                if (started.child.exitCode !== null)
                  assert.fail(`it exited with ${started.child.exitCode}:\n${started.everything()}`);
                return (await subscribers(running.port)) > before ? true : undefined;
              },
              started.everything,
            );
          });
          continue;
        }
        await t.test(`block at line ${block.line}`, async () => {
          const { child, everything: output } = spawnBlock(script, env);
          const timer = setTimeout(() => void stop(child), BLOCK_TIMEOUT_MS);
          const code = await new Promise<number | null>((resolve) => child.once('exit', (status) => resolve(status)));
          clearTimeout(timer);
          assert.equal(code, 0, `${readme}:${block.line} exited with ${code}:\n${output()}`);
        });
      }
    } finally {
      for (const { child } of background) await stop(child);
      if (hub !== null) await stop(hub.process);
    }
  });
}
