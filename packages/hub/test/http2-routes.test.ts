// The hub's other routes over HTTP/2 (the dashboard, `hub.use()` handlers) and the request URL they see:
// an HTTP/2 request has no Host header (it carries `:authority`) and pseudo-headers that are no HTTP
// header names, and over TLS its scheme is https. Started CLI, node:http2 client.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http2';
import { after, before, describe, it } from 'node:test';
import { connectH2, writeCertificateFiles } from './support/h2-client.ts';
import { KEY, type RunningHub, startHub } from './support/hub-process.ts';
import { PUBLISH_ALL, token } from './support/sse.ts';

let files: ReturnType<typeof writeCertificateFiles>;
let hub: RunningHub;
before(async () => {
  files = writeCertificateFiles();
  hub = await startHub(['--jwt-key', KEY, '--anonymous', '--dashboard', '--cert', files.cert, '--key', files.key]);
});
after(async () => {
  await hub.stop();
  rmSync(files.dir, { recursive: true, force: true });
});

async function request(
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  const session = await connectH2(hub.url, { fingerprint256: files.fingerprint256 });
  try {
    const stream = session.request(headers);
    stream.end(body);
    const [answer] = (await once(stream, 'response')) as [IncomingHttpHeaders];
    let text = '';
    stream.setEncoding('utf8');
    for await (const chunk of stream) text += chunk;
    return { status: Number(answer[':status']), headers: answer, body: text };
  } finally {
    session.close();
  }
}

describe('the hub over HTTP/2: routes besides the hub endpoint', () => {
  it('the dashboard page and its files answer 200 (pseudo-headers are not passed on as headers)', async () => {
    const page = await request({ ':path': '/' });
    assert.equal(page.status, 200, page.body);
    assert.match(String(page.headers['content-type']), /text\/html/);
    const stats = await request({ ':path': '/dashboard/stats.json' });
    assert.equal(stats.status, 200, stats.body);
  });

  it("a cookie-authorized publish from the hub's own https origin is accepted (the URL comes from :authority)", async () => {
    const answer = await request(
      {
        ':method': 'POST',
        ':path': '/.well-known/mercure',
        'content-type': 'application/x-www-form-urlencoded',
        cookie: `mercureAuthorization=${token(PUBLISH_ALL)}`,
        origin: hub.url,
      },
      new URLSearchParams({ topic: 'urn:h2-cookie', data: 'x' }).toString(),
    );
    assert.equal(answer.status, 200, answer.body);
  });

  it('a 413 over HTTP/2 carries no Connection header (a connection-specific header is refused there)', async () => {
    const answer = await request(
      {
        ':method': 'POST',
        ':path': '/.well-known/mercure',
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Bearer ${token(PUBLISH_ALL)}`,
      },
      `topic=urn:big&data=${'x'.repeat(1_100_000)}`,
    );
    assert.equal(answer.status, 413);
    assert.equal(answer.headers.connection, undefined);
    assert.doesNotMatch(hub.output(), /UnsupportedWarning/);
  });
});
