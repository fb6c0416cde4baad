// Event streams over HTTP/2 (RFC 9113) against the started CLI with --dev-cert: many streams on one
// connection, no connection-specific headers, per-stream flow control (an unread stream is cut as slow
// while its neighbour keeps receiving), and GOAWAY on SIGTERM with every stream ending cleanly.
import assert from 'node:assert/strict';
import { type ClientHttp2Session, constants } from 'node:http2';
import { after, before, describe, it } from 'node:test';
import { connectH2, type H2EventStream, openEventStream, publishH2 } from './support/h2-client.ts';
import { KEY, type RunningHub, startHub } from './support/hub-process.ts';
import { PUBLISH_ALL, token } from './support/sse.ts';

const TOPIC = 'https://example.com/h2';
const PATH = `/.well-known/mercure?topic=${encodeURIComponent(TOPIC)}`;
const publisher = token(PUBLISH_ALL);

let hub: RunningHub;
let fingerprint256: string;
let control: ClientHttp2Session;
let stopped = false;

before(async () => {
  hub = await startHub(['--jwt-key', KEY, '--anonymous', '--dev-cert', '--subscriber-queue', '4096']);
  const warning = await hub.waitForLog((line) => String(line.msg).startsWith('--dev-cert'));
  assert.equal(warning.level, 'warn');
  assert.match(String(warning.msg), /development only/);
  assert.deepEqual(warning.names, ['localhost', '127.0.0.1', '::1']);
  fingerprint256 = String(warning.fingerprint256);
  // Publishes go over a connection of their own, so the streams under test share theirs with nothing else.
  control = await connectH2(hub.url, { fingerprint256 });
});
after(async () => {
  control?.destroy();
  if (!stopped) await hub?.stop();
});

const publish = async (data: string) => {
  const answer = await publishH2(control, publisher, [
    ['topic', TOPIC],
    ['data', data],
  ]);
  assert.equal(answer.status, 200, answer.body);
};

describe('the hub over HTTP/2', () => {
  let shared: ClientHttp2Session;
  let streams: H2EventStream[];

  it('carries 16 event streams on one connection, each with the update and no connection-specific header', async () => {
    shared = await connectH2(hub.url, { fingerprint256 });
    streams = await Promise.all(Array.from({ length: 16 }, () => openEventStream(shared, PATH)));
    for (const { headers } of streams) {
      assert.equal(headers[':status'], 200);
      assert.equal(headers['content-type'], 'text/event-stream; charset=utf-8');
      for (const name of ['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection'])
        assert.equal(headers[name], undefined, name);
    }
    await publish('to all sixteen');
    await Promise.all(streams.map((s) => s.waitFor((events) => events.at(-1)?.data === 'to all sixteen', 'update')));
  });

  it('cuts an unread stream as slow (RST_STREAM CANCEL) while the other stream of its connection keeps receiving', async () => {
    // A small window per stream; the connection's window is Node's default 64 KiB.
    const session = await connectH2(hub.url, { fingerprint256, settings: { initialWindowSize: 8 * 1024 } });
    try {
      const unread = await openEventStream(session, PATH, { read: false });
      const reader = await openEventStream(session, PATH);
      let code: 'end' | number | undefined;
      void unread.closed.then((how) => (code = how));
      // One update at a time, each sent once the reader has the one before, so the reader is never behind.
      let sent = 0;
      while (code === undefined && sent < 1_000) {
        sent++;
        await publish(`${sent} ${'x'.repeat(2048)}`);
        await reader.waitFor((events) => events.at(-1)?.data.startsWith(`${sent} `) === true, `update ${sent}`);
      }
      assert.equal(await unread.closed, constants.NGHTTP2_CANCEL);
      assert.equal(session.closed || session.destroyed, false, 'the connection stays up');
      await publish('after the cut');
      await reader.waitFor((events) => events.at(-1)?.data === 'after the cut', 'the update after the cut');
      assert.equal(reader.events.length, sent + 1, 'the reader missed nothing');
      const metrics = control.request({ ':path': '/metrics' });
      let text = '';
      metrics.setEncoding('utf8');
      for await (const chunk of metrics) text += chunk;
      assert.match(text, /^tidings_slow_subscriber_disconnects_total [1-9]/m);
    } finally {
      session.destroy();
    }
  });

  it('on SIGTERM sends GOAWAY (NO_ERROR) and ends every stream cleanly, then exits 0', async () => {
    let openAtGoaway = 0;
    const goaway = new Promise<number>((resolve) =>
      shared.once('goaway', (code: number) => {
        openAtGoaway = streams.filter((s) => !s.stream.closed).length;
        resolve(code);
      }),
    );
    stopped = true;
    const exited = hub.stop('SIGTERM');
    assert.equal(await goaway, constants.NGHTTP2_NO_ERROR);
    assert.equal(openAtGoaway, streams.length, 'GOAWAY first, so no new stream is opened on this connection');
    const endings = await Promise.all(streams.map((s) => s.closed));
    assert.deepEqual(new Set(endings), new Set(['end']), 'END_STREAM on every stream, no reset');
    assert.equal(await exited, 0);
  });
});
