// `tidings hub --cert/--key` and `--dev-cert` (issue 14 §1), against the started CLI: the flags and their
// environment variables, the exit-2 errors, and HTTP/2 and HTTP/1.1 negotiated by ALPN on one port.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { get } from 'node:https';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { connectH2, openEventStream, publishH2, writeCertificateFiles } from './support/h2-client.ts';
import { KEY, runCli, startHub } from './support/hub-process.ts';
import { PUBLISH_ALL, token } from './support/sse.ts';

let files: ReturnType<typeof writeCertificateFiles>;
let other: ReturnType<typeof writeCertificateFiles>;
before(() => {
  files = writeCertificateFiles();
  other = writeCertificateFiles();
});
after(() => {
  rmSync(files.dir, { recursive: true, force: true });
  rmSync(other.dir, { recursive: true, force: true });
});

describe('tidings hub TLS flags', () => {
  it('refuses half a pair, unreadable or wrong files, and --dev-cert with --cert or --workers (exit 2)', async () => {
    const notPem = join(files.dir, 'not.pem');
    writeFileSync(notPem, 'hello\n');
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['--cert', files.cert], {}, /--cert needs --key/],
      [['--key', files.key], {}, /--key needs --cert/],
      [[], { TIDINGS_CERT: files.cert }, /--cert needs --key/],
      [
        ['--cert', join(files.dir, 'missing.pem'), '--key', files.key],
        {},
        /--cert: cannot read .*missing\.pem \(ENOENT\)/,
      ],
      [['--cert', files.cert, '--key', join(files.dir, 'missing.pem')], {}, /--key: cannot read .*\(ENOENT\)/],
      [['--cert', notPem, '--key', files.key], {}, /--cert: .* holds no PEM certificate/],
      [['--cert', files.cert, '--key', notPem], {}, /--key: .* holds no unencrypted PEM private key/],
      [['--cert', files.cert, '--key', other.key], {}, /is not the private key of the certificate/],
      [['--dev-cert', '--cert', files.cert, '--key', files.key], {}, /either --cert and --key, or --dev-cert/],
      [['--dev-cert', '--workers', '2', '--store', 'redis://127.0.0.1:6379'], {}, /--dev-cert takes one process/],
    ];
    for (const [args, env, message] of cases) {
      const { code, stderr } = await runCli(['hub', '--jwt-key', KEY, ...args], env);
      assert.equal(code, 2, `${args.join(' ')} ${JSON.stringify(env)} -> ${stderr}`);
      assert.match(stderr, message);
      assert.doesNotMatch(stderr, /BEGIN/, 'no key material in messages');
    }
  });

  it('--help lists --cert, --key and --dev-cert with their environment variables', async () => {
    const { code, stdout } = await runCli(['hub', '--help']);
    assert.equal(code, 0);
    assert.match(stdout, /--cert VALUE\n.*needs --key\..*\[TIDINGS_CERT\]/);
    assert.match(stdout, /--key VALUE\n.*\[TIDINGS_KEY\]/);
    assert.match(stdout, /--dev-cert, --no-dev-cert\n.*Development only.*\[TIDINGS_DEV_CERT\]/);
  });

  it('TIDINGS_CERT and TIDINGS_KEY: HTTPS with HTTP/2 and HTTP/1.1 negotiated by ALPN on one port', async () => {
    const hub = await startHub(['--jwt-key', KEY, '--anonymous'], { TIDINGS_CERT: files.cert, TIDINGS_KEY: files.key });
    try {
      assert.match(hub.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(hub.hubUrl, `${hub.url}/.well-known/mercure`);
      // HTTP/2: the certificate is the one in the files; the stream has no connection-specific headers.
      const h2 = await connectH2(hub.url, { fingerprint256: files.fingerprint256 });
      const stream = await openEventStream(h2, '/.well-known/mercure?topic=https://example.com/a');
      assert.equal(stream.headers[':status'], 200);
      assert.equal(stream.headers['content-type'], 'text/event-stream; charset=utf-8');
      for (const name of ['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection'])
        assert.equal(stream.headers[name], undefined, name);
      // HTTP/1.1 on the same port: asked for by ALPN, and without ALPN at all (older clients).
      for (const ALPNProtocols of [['http/1.1'], undefined]) {
        const response = await new Promise<IncomingMessage>((resolve, reject) =>
          get(
            `${hub.hubUrl}?topic=https://example.com/a`,
            {
              rejectUnauthorized: false,
              headers: { accept: 'text/event-stream' },
              ...(ALPNProtocols && { ALPNProtocols }),
            },
            resolve,
          ).on('error', reject),
        );
        assert.equal(response.httpVersion, '1.1');
        assert.equal((response.socket as TLSSocket).alpnProtocol, ALPNProtocols ? 'http/1.1' : false);
        assert.equal(response.statusCode, 200);
        assert.equal(response.headers.connection, 'keep-alive');
        response.destroy();
      }
      const published = await publishH2(h2, token(PUBLISH_ALL), [
        ['topic', 'https://example.com/a'],
        ['data', 'over TLS'],
      ]);
      assert.equal(published.status, 200);
      await stream.waitFor((events) => events.some((e) => e.data === 'over TLS'), 'the update');
      stream.stream.close();
      h2.close(); // graceful: waits for the streams of the connection, so it ends only once the one above did
      await once(h2, 'close');
    } finally {
      assert.equal(await hub.stop(), 0);
    }
  });
});
