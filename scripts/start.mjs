#!/usr/bin/env node
// `npm start`: the Tidings hub with its dashboard, on the in-memory store, for trying it out.
// It makes a fresh random JWT key for this run (never a fixed or production key) unless you give one, signs a development token
// with it (may publish and subscribe to every topic, 12 hours), starts `tidings hub --dashboard --anonymous`
// with the key in the environment (not on the command line, where `ps` shows it), and prints a dashboard
// link that carries the token in its #fragment: browsers never send a fragment to a server, and the
// dashboard moves it into sessionStorage and out of the address bar. The hub itself never logs tokens.
// TIDINGS_PORT / TIDINGS_HOST (and the other TIDINGS_* variables) pass through to the hub. A key of your
// own (TIDINGS_JWT_KEY, or `npm start -- --jwt-key KEY`) is kept, and the printed tokens are made with it.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createSigningKey, signJwt } from '@tidings/hub';

const TOKEN_TTL_SECONDS = 12 * 3600;
/** The key given after --jwt-key (or as --jwt-key=KEY) in this script's arguments, if any. */
function keyFromArguments(args) {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--jwt-key') return args[i + 1];
    if (args[i].startsWith('--jwt-key=')) return args[i].slice('--jwt-key='.length);
  }
  return undefined;
}
const key =
  keyFromArguments(process.argv.slice(2)) || process.env.TIDINGS_JWT_KEY || randomBytes(32).toString('base64url');
const now = Math.floor(Date.now() / 1000);
const token = signJwt(
  { mercure: { publish: ['*'], subscribe: ['*'] }, iat: now, exp: now + TOKEN_TTL_SECONDS },
  createSigningKey('HS256', key),
);

// Normally the built command; when this script itself runs on the TypeScript sources (the tests start it
// with --conditions=tidings-source and tsx), the hub's sources, with the same Node flags.
const fromSources = import.meta.resolve('@tidings/hub').endsWith('.ts');
const cli = fileURLToPath(
  new URL(fromSources ? '../packages/hub/src/cli.ts' : '../packages/hub/bin/tidings.js', import.meta.url),
);
const child = spawn(
  process.execPath,
  [...process.execArgv, cli, 'hub', '--dashboard', '--anonymous', ...process.argv.slice(2)],
  {
    env: { ...process.env, TIDINGS_JWT_KEY: key },
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);

let partial = '';
child.stdout.setEncoding('utf8');
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk); // the hub's JSON logs, as they are
  partial += chunk;
  const lines = partial.split('\n');
  partial = lines.pop();
  for (const line of lines) {
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (entry.msg !== 'listening') continue;
    process.stdout.write(
      [
        '',
        `Tidings hub: ${entry.hub} (in-memory store, anonymous subscribers, dashboard on)`,
        `Dashboard:   ${entry.url}/#token=${token}`,
        'Examples:    npm start -w examples/ticker (or monitor, news, chat, clock…: examples/README.md)',
        `Dev token (publish and subscribe to every topic, valid ${TOKEN_TTL_SECONDS / 3600} h, this run only):`,
        `  ${token}`,
        `Publish:     curl -d topic=https://example.com/books/1 -d data=hello -H "Authorization: Bearer ${token}" ${entry.hub}`,
        '',
      ].join('\n'),
    );
  }
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
