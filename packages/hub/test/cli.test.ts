// The `tidings` command itself: help, invalid values (exit 2), environment variables, RS256/ES256 keys,
// `tidings token`, `tidings publish`, and SIGTERM.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createVerifyKey, verifyJwt } from '@tidings/hub';
import { KEY, runCli, startHub } from './support/hub-process.ts';
import { PUBLISH_ALL, publish, subscribe, token, url } from './support/sse.ts';

/** `tidings` alone must fit on a screen: the flag tables are in each command's --help. */
const MAX_USAGE_LINES = 15;

describe('tidings --help', () => {
  test('tidings with no command prints a short usage (exit 2); --help the same on stdout (exit 0)', async () => {
    const bare = await runCli([]);
    assert.equal(bare.code, 2, 'no command is a usage error');
    assert.equal(bare.stdout, '');
    const help = await runCli(['--help']);
    assert.equal(help.code, 0);
    assert.equal(help.stdout, bare.stderr, 'one usage text');
    for (const text of [bare.stderr, help.stdout]) {
      const lines = text.trimEnd().split('\n');
      assert.ok(lines.length <= MAX_USAGE_LINES, `${lines.length} lines:\n${text}`);
      for (const command of ['hub', 'token', 'publish']) {
        assert.match(text, new RegExp(`^  ${command} `, 'm'), `names ${command}`);
        assert.ok(text.includes(`tidings ${command} --help`), `says where the flags of ${command} are`);
      }
    }
  });

  test('tidings hub --help lists every flag with its default', async () => {
    const expected: [string, string][] = [
      ['--port', '3000'],
      ['--host', '127.0.0.1'],
      ['--jwt-key', 'none'],
      ['--publisher-jwt-key', '--jwt-key'],
      ['--subscriber-jwt-key', '--jwt-key'],
      ['--jwt-alg', 'HS256'],
      ['--anonymous', 'false'],
      ['--cors-origins', 'none'],
      ['--heartbeat', '30'],
      ['--history-size', '10000'],
      ['--history-bytes', '67108864'],
      ['--history-ttl', 'unlimited'],
      ['--store', 'memory'],
      ['--max-body', '1048576'],
      ['--workers', '1'],
      ['--dashboard', 'false'],
    ];
    for (const args of [['hub', '--help']]) {
      const { code, stdout } = await runCli(args);
      assert.equal(code, 0);
      for (const [flag, fallback] of expected) {
        const entry = new RegExp(`${flag}[ ,].*\\n.*Default: ${fallback.replace(/[-]/g, '\\-')}`);
        assert.match(stdout, entry, `${flag} with default ${fallback}`);
      }
      for (const variable of [
        'TIDINGS_PORT',
        'MERCURE_PUBLISHER_JWT_KEY',
        'MERCURE_SUBSCRIBER_JWT_KEY',
        'TIDINGS_ANONYMOUS',
      ]) {
        assert.ok(stdout.includes(variable), variable);
      }
    }
    const tokenHelp = await runCli(['token', '--help']);
    assert.match(tokenHelp.stdout, /--publish[\s\S]*--subscribe[\s\S]*--ttl/);
  });

  test('invalid values stop the start with a clear message and exit code 2', async () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['hub', '--port', '99999'], {}, /--port must be a whole number from 0 to 65535/],
      [['hub', '--heartbeat', '-1'], {}, /--heartbeat/],
      [['hub', '--history-size', 'lots'], {}, /--history-size/],
      [['hub', '--max-body', '0'], {}, /--max-body/],
      [['hub', '--jwt-alg', 'none'], {}, /--jwt-alg must be one of/],
      [['hub', '--jwt-alg', 'RS256', '--jwt-key', 'not-a-pem'], {}, /PEM/],
      [['hub', '--cors-origins', 'example.com'], {}, /not an origin/],
      // The library's check: an origin as browsers send it (this one never matched an Origin header).
      [['hub', '--cors-origins', 'https://Example.com:443'], {}, /not an origin/],
      [
        ['hub', '--store', 'nosql://x'],
        {},
        /unknown store nosql: \(available: memory, sqlite:PATH, redis:\/\/HOST:PORT/,
      ],
      [['hub', '--store', 'nosql://user:hunter2@x'], {}, /^(?![\s\S]*hunter2)[\s\S]*unknown store nosql:/],
      [['hub', '--store', 'sqlite:'], {}, /sqlite:PATH needs the path/],
      [['hub'], { TIDINGS_STORE: 'postgres://u:p@x/db' }, /unknown store postgres:/],
      [['hub', '--history-bytes', '0'], {}, /--history-bytes/],
      [['hub', '--workers', '2'], {}, /--workers 2 needs --store redis:\/\//],
      [['hub', '--jwt-key', 'abc'], {}, /an HS256 key needs at least 32 bytes/],
      [
        ['hub', '--publisher-jwt-key', 'x'.repeat(40), '--jwt-alg', 'HS512'],
        {},
        /an HS512 key needs at least 64 bytes/,
      ],
      [['hub', '--workers', '0'], {}, /--workers/],
      [['hub', '--log-level', 'loud'], {}, /--log-level/],
      [['hub', '--frobnicate'], {}, /unknown flag --frobnicate/],
      [['hub', '--port'], {}, /--port needs a value/],
      [['hub'], { TIDINGS_HEARTBEAT: 'often' }, /--heartbeat/],
      [['hub'], { TIDINGS_ANONYMOUS: 'maybe' }, /TIDINGS_ANONYMOUS must be true or false/],
      [['fly'], {}, /unknown command/],
      [['token'], { TIDINGS_JWT_KEY: '' }, /--key is required/],
      [['token', '--key', KEY], {}, /the token would grant nothing: add --publish SEL .* --subscribe SEL/],
      [['token', '--key', KEY, '--ttl', '60'], {}, /would grant nothing/],
      [['publish', '--token', 't'], {}, /--topic is required/],
    ];
    await Promise.all(
      cases.map(async ([args, env, message]) => {
        const { code, stderr } = await runCli(args, env);
        assert.equal(code, 2, `${args.join(' ')} -> ${stderr}`);
        assert.match(stderr, message);
        assert.match(stderr, /--help/);
      }),
    );
  });

  test('a port already in use is a runtime failure: exit code 1', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => blocker.once('listening', resolve));
    const { port } = blocker.address() as { port: number };
    const { code, stderr } = await runCli(['hub', '--port', String(port), '--jwt-key', KEY]);
    blocker.close();
    assert.equal(code, 1);
    assert.match(stderr, /EADDRINUSE/);
  });
});

describe('tidings hub: environment and keys', () => {
  test('TIDINGS_* and MERCURE_* variables configure the hub; separate publisher and subscriber keys', async () => {
    const hub = await startHub([], {
      MERCURE_PUBLISHER_JWT_KEY: 'publisher-secret-of-32-bytes-or-more',
      MERCURE_SUBSCRIBER_JWT_KEY: 'subscriber-secret-of-32-bytes-or-more',
      TIDINGS_HEARTBEAT: '0',
    });
    try {
      const sub = await subscribe(url(hub.hubUrl, [['topic', 'urn:env']]), {
        authorization: `Bearer ${token({}, 'subscriber-secret-of-32-bytes-or-more')}`,
      });
      assert.equal(sub.status, 200);
      const anonymous = await fetch(url(hub.hubUrl, [['topic', 'urn:env']]));
      assert.equal(anonymous.status, 401, 'anonymous is off by default');
      assert.equal(
        (
          await publish(hub.hubUrl, [['topic', 'urn:env']], {
            token: token(PUBLISH_ALL, 'subscriber-secret-of-32-bytes-or-more'),
          })
        ).status,
        401,
      );
      assert.equal(
        (
          await publish(
            hub.hubUrl,
            [
              ['topic', 'urn:env'],
              ['data', 'ok'],
            ],
            { token: token(PUBLISH_ALL, 'publisher-secret-of-32-bytes-or-more') },
          )
        ).status,
        200,
      );
      assert.equal((await sub.waitForEvents(1))[0]!.data, 'ok');
      sub.close();
    } finally {
      assert.equal(await hub.stop(), 0);
    }
  });

  for (const kind of ['rsa', 'ec'] as const) {
    const alg = kind === 'rsa' ? 'RS256' : 'ES256';
    test(`${alg}: the hub verifies with a PEM public key file; tidings token signs with the private key`, async () => {
      const pair =
        kind === 'rsa'
          ? generateKeyPairSync('rsa', { modulusLength: 2048 })
          : generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const dir = mkdtempSync(join(tmpdir(), 'tidings-keys-'));
      const publicFile = join(dir, 'public.pem');
      const privateFile = join(dir, 'private.pem');
      writeFileSync(publicFile, pair.publicKey.export({ type: 'spki', format: 'pem' }));
      writeFileSync(privateFile, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
      const hub = await startHub(['--jwt-alg', alg, '--jwt-key', publicFile]);
      try {
        const signed = await runCli(['token', '--alg', alg, '--key', privateFile, '--publish', '*']);
        assert.equal(signed.code, 0, signed.stderr);
        const answer = await publish(hub.hubUrl, [['topic', 'urn:asym']], { token: signed.stdout.trim() });
        assert.equal(answer.status, 200);
        assert.equal(
          (await publish(hub.hubUrl, [['topic', 'urn:asym']], { token: token(PUBLISH_ALL) })).status,
          401,
          'HS256 refused',
        );
      } finally {
        assert.equal(await hub.stop(), 0);
      }
    });
  }
});

describe('tidings hub: keys given as PEM text or in a file', () => {
  test('--allow-weak-key starts a hub on a short HS key, and says so', async () => {
    const hub = await startHub(['--jwt-key', 'short', '--allow-weak-key']);
    try {
      await hub.waitForLog((line) => line.level === 'warn' && /weak/.test(String(line.msg)));
      const answer = await publish(hub.hubUrl, [['topic', 'urn:weak']], { token: token(PUBLISH_ALL, 'short') });
      assert.equal(answer.status, 200);
    } finally {
      assert.equal(await hub.stop(), 0);
    }
  });

  test('the well-known example key works, with a warning to change it', async () => {
    const hub = await startHub(['--jwt-key', KEY]);
    try {
      await hub.waitForLog((line) => line.level === 'warn' && /well-known example key/.test(String(line.msg)));
      assert.ok(!hub.output().includes(KEY), 'the key itself is never printed');
    } finally {
      assert.equal(await hub.stop(), 0);
    }
  });

  test('--jwt-key "$(cat public.pem)" works: a value starting with "-----BEGIN" is a value, not a flag', async () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const dir = mkdtempSync(join(tmpdir(), 'tidings-keys-'));
    const privateFile = join(dir, 'private.pem');
    writeFileSync(privateFile, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const hub = await startHub(['--jwt-alg', 'RS256', '--jwt-key', pem]);
    try {
      const signed = await runCli(['token', '--alg', 'RS256', '--key', privateFile, '--publish', '*']);
      const answer = await publish(hub.hubUrl, [['topic', 'urn:pem']], { token: signed.stdout.trim() });
      assert.equal(answer.status, 200, answer.body);
    } finally {
      assert.equal(await hub.stop(), 0);
    }
  });

  test('--jwt-key-file reads the key from a file (an HS256 secret: its trailing newline is not part of it)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tidings-keys-'));
    const file = join(dir, 'secret');
    writeFileSync(file, `${KEY}\n`);
    const hub = await startHub(['--jwt-key-file', file]);
    try {
      const answer = await publish(hub.hubUrl, [['topic', 'urn:file']], { token: token(PUBLISH_ALL) });
      assert.equal(answer.status, 200, answer.body);
    } finally {
      assert.equal(await hub.stop(), 0);
    }
    for (const [args, message] of [
      [['hub', '--jwt-key-file', join(dir, 'missing')], /--jwt-key-file: cannot read/],
      [['hub', '--jwt-key-file', file, '--jwt-key', KEY], /either --jwt-key or --jwt-key-file/],
    ] as const) {
      const { code, stderr } = await runCli([...args]);
      assert.equal(code, 2, stderr);
      assert.match(stderr, message);
      assert.ok(!stderr.includes(KEY), 'the key is never printed');
    }
  });
});

describe('tidings token and tidings publish', () => {
  test('tidings token prints a verifiable JWT with the Mercure claims and exp', async () => {
    const { code, stdout } = await runCli([
      'token',
      '--key',
      KEY,
      '--publish',
      '*',
      '--subscribe',
      'a',
      '--subscribe',
      'b/{id}',
      '--ttl',
      '60',
    ]);
    assert.equal(code, 0);
    const claims = await verifyJwt(stdout.trim(), createVerifyKey('HS256', KEY));
    assert.deepEqual(claims.mercure, { publish: ['*'], subscribe: ['a', 'b/{id}'] });
    const now = Date.now() / 1000;
    assert.ok(Math.abs((claims.exp as number) - 60 - now) < 5);
    const forever = await runCli(['token', '--key', KEY, '--subscribe', 'a', '--ttl', '0'], {});
    assert.equal((await verifyJwt(forever.stdout.trim(), createVerifyKey('HS256', KEY))).exp, undefined);
  });

  test('tidings publish posts an update and prints its id; a refusal exits 1', async () => {
    const hub = await startHub(['--jwt-key', KEY, '--anonymous']);
    try {
      const sub = await subscribe(url(hub.hubUrl, [['topic', 'urn:cli']]));
      const minted = await runCli(['token', '--key', KEY, '--publish', 'urn:cli']);
      const result = await runCli([
        'publish',
        '--url',
        hub.url,
        '--token',
        minted.stdout.trim(),
        '--topic',
        'urn:cli',
        '--data',
        'from the cli',
        '--type',
        'note',
        '--id',
        'urn:cli:1',
      ]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout.trim(), 'urn:cli:1');
      const [event] = await sub.waitForEvents(1);
      assert.deepEqual([event!.event, event!.data, event!.lastEventId], ['note', 'from the cli', 'urn:cli:1']);
      const refused = await runCli([
        'publish',
        '--url',
        hub.hubUrl,
        '--token',
        minted.stdout.trim(),
        '--topic',
        'urn:elsewhere',
      ]);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, new RegExp(`the hub at ${hub.hubUrl} answered 403`));
      sub.close();
    } finally {
      assert.equal(await hub.stop(), 0);
    }
  });

  test('tidings publish to a port nobody listens on names the URL and ECONNREFUSED, and exits 1', async () => {
    // A port that was free a moment ago: listen on 0, note the port, close.
    const probe = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => probe.once('listening', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise((resolve) => probe.close(resolve));
    const target = `http://127.0.0.1:${port}`;
    const result = await runCli(['publish', '--url', target, '--token', token(PUBLISH_ALL), '--topic', 'urn:x']);
    assert.equal(result.code, 1, result.stderr);
    assert.match(
      result.stderr,
      new RegExp(
        `^tidings: could not reach the hub at ${target}/\\.well-known/mercure: ECONNREFUSED, connection refused`,
      ),
    );
    assert.doesNotMatch(result.stderr, /fetch failed/);
  });

  test('tidings publish to a server that never answers gives up after --timeout and says so', async () => {
    // Accepts connections and reads, never answers.
    const silent = createServer((socket) => socket.resume()).listen(0, '127.0.0.1');
    await new Promise((resolve) => silent.once('listening', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const target = `http://127.0.0.1:${port}`;
      const args = ['publish', '--url', target, '--token', token(PUBLISH_ALL), '--topic', 'urn:x', '--timeout', '1'];
      const result = await runCli(args);
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, /the hub at .*\/\.well-known\/mercure did not answer within 1 s \(--timeout\)/);
    } finally {
      silent.close();
    }
  });
});

test('SIGTERM: the hub stops accepting, ends the streams and exits 0', async () => {
  const hub = await startHub(['--jwt-key', KEY, '--anonymous']);
  const sub = await subscribe(url(hub.hubUrl, [['topic', 'urn:bye']]));
  const code = await hub.stop('SIGTERM');
  assert.equal(code, 0);
  await sub.ended; // the stream was ended by the hub, so EventSource clients reconnect (elsewhere)
  assert.ok(hub.logs.some((line) => line.msg === 'shutting down'));
  await assert.rejects(fetch(`${hub.url}/healthz`));
});

describe('tidings hub: requests that never finish, and shutdown', () => {
  /** Sends `head` (and nothing more) on a raw socket; resolves what came back and how long until the hub closed it. */
  function hold(port: number, head: string): Promise<{ answer: string; ms: number }> {
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const socket = connect(port, '127.0.0.1', () => socket.write(head));
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk));
      socket.on('error', reject);
      socket.on('close', () => resolve({ answer, ms: performance.now() - started }));
      setTimeout(() => {
        socket.destroy();
        reject(new Error('the hub kept a stalled request open for 15 s'));
      }, 15_000).unref();
    });
  }

  test('--request-timeout: a publish whose head or body never finishes is cut off (408), not held for minutes', async () => {
    const hub = await startHub(['--jwt-key', KEY, '--request-timeout', '1']);
    try {
      const port = Number(new URL(hub.url).port);
      const stalledBody = await hold(
        port,
        `POST /.well-known/mercure HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token(PUBLISH_ALL)}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ntopic=a`,
      );
      assert.match(stalledBody.answer, /^HTTP\/1\.1 408/);
      assert.ok(stalledBody.ms < 5_000, `cut after ${Math.round(stalledBody.ms)} ms`);
      const stalledHead = await hold(port, 'POST /.well-known/mercure HTTP/1.1\r\nHost: x\r\n');
      assert.ok(stalledHead.ms < 5_000, `cut after ${Math.round(stalledHead.ms)} ms`);
      // A stream is not a slow request: it stays open past the timeout.
      const sub = await subscribe(url(hub.hubUrl, [['topic', 'urn:still-open']]), {
        authorization: `Bearer ${token({ mercure: { subscribe: ['*'] } })}`,
      });
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      assert.equal(
        (await publish(hub.hubUrl, [['topic', 'urn:still-open']], { token: token(PUBLISH_ALL) })).status,
        200,
      );
      await sub.waitForEvents(1);
      sub.close();
    } finally {
      await hub.stop();
    }
  });

  test('a publish whose body completes after SIGTERM is not answered 200 (nobody would get it)', async () => {
    const hub = await startHub(['--jwt-key', KEY]);
    const port = Number(new URL(hub.url).port);
    const body = 'topic=urn:late&data=late';
    const answer = new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () =>
        socket.write(
          `POST /.well-known/mercure HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token(PUBLISH_ALL)}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`,
        ),
      );
      let text = '';
      socket.on('data', (chunk) => (text += chunk));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
      setTimeout(async () => {
        hub.child.kill('SIGTERM');
        await hub.waitForLog((line) => line.msg === 'shutting down');
        socket.write(body.slice(5));
      }, 300);
    });
    const text = await answer;
    assert.doesNotMatch(text, /^HTTP\/1\.1 200/, text);
    assert.match(text, /^HTTP\/1\.1 503/);
    assert.equal(await hub.stop(), 0);
  });
});
