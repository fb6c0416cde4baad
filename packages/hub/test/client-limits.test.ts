// The per-client limits, over real HTTP on loopback: open streams and new streams per second per client
// address (several 127.0.0.x source addresses stand for several clients), X-Forwarded-For behind a proxy,
// and publishes per second per token. Each limit's boundary is checked: the last allowed request passes.
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createHub, type Hub, type HubOptions } from '@tidings/hub';
import { clientAddress, clientKey } from '../src/client-limits/client-address.ts';
import { KeyedRateLimits } from '../src/client-limits/keyed-rate-limits.ts';
import { KEY, startHub } from './support/hub-process.ts';
import { PUBLISH_ALL, token } from './support/sse.ts';

interface Running {
  hub: Hub;
  port: number;
  close(): Promise<void>;
}

async function listen(options: HubOptions): Promise<Running> {
  const hub = createHub({ publisherKey: { key: KEY }, anonymous: true, log: null, ...options });
  const server = createServer(hub.listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    hub,
    port,
    close: async () => {
      await hub.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

interface Stream {
  status: number;
  body: string;
  close(): void;
}

/** Opens a subscription from `localAddress`; resolves on the response head (and the body of a refusal). */
function open(port: number, localAddress: string, headers: Record<string, string> = {}): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, localAddress, path: '/.well-known/mercure?topic=urn:limits', headers, agent: false },
      (res: IncomingMessage) => {
        const close = () => res.destroy();
        if (res.statusCode === 200) return resolve({ status: 200, body: '', close });
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, close }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Waits until the hub has let go of closed streams (they are released when their socket closes). */
async function until(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !predicate(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(predicate(), 'the hub released the closed streams');
}

describe('client addresses', () => {
  test('IPv4 as is, IPv4-mapped IPv6 as IPv4, IPv6 by its /64, anything else unknown', () => {
    assert.equal(clientKey('203.0.113.7'), '203.0.113.7');
    assert.equal(clientKey('::ffff:203.0.113.7'), '203.0.113.7');
    assert.equal(clientKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
    assert.equal(clientKey('2001:db8:1:2:ffff:ffff:ffff:ffff'), '2001:db8:1:2::/64');
    assert.equal(clientKey('2001:0db8:0001:0002::'), '2001:db8:1:2::/64');
    assert.equal(clientKey('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(clientKey('::1'), '0:0:0:0::/64');
    assert.equal(clientKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
    assert.equal(clientKey('64:ff9b::192.0.2.1'), '64:ff9b:0:0::/64');
    for (const bad of ['', 'localhost', '1.2.3', '1:2:3', null, undefined]) assert.equal(clientKey(bad), null);
  });

  test('X-Forwarded-For counts only with trustProxy, and then only its last entry (the proxy appended it)', () => {
    assert.equal(clientAddress('10.0.0.1', '198.51.100.1', false), '10.0.0.1');
    assert.equal(clientAddress('10.0.0.1', '1.1.1.1, 198.51.100.1', true), '198.51.100.1');
    assert.equal(clientAddress('10.0.0.1', undefined, true), '10.0.0.1');
    assert.equal(clientAddress('10.0.0.1', ' ', true), '10.0.0.1');
  });

  test('a rate limit per key: the burst passes, the next waits for the refill, other keys are apart', () => {
    let now = 0;
    const limits = new KeyedRateLimits(5, 5, 100, () => now);
    const taken = Array.from({ length: 6 }, () => limits.take('a'));
    assert.deepEqual(taken, [true, true, true, true, true, false]);
    assert.equal(limits.retryAfterSeconds('a'), 1);
    assert.equal(limits.take('b'), true, 'another key has its own bucket');
    now += 199;
    assert.equal(limits.take('a'), false, 'not refilled yet after 199 ms at 5 a second');
    now += 1;
    assert.equal(limits.take('a'), true, 'one more after 200 ms');
    now += 10_000;
    limits.take('c');
    assert.ok(limits.size <= 3);
  });

  test('rate buckets stay bounded however many keys come: past the cap new keys share one bucket', () => {
    const limits = new KeyedRateLimits(1, 1, 10);
    let allowed = 0;
    for (let i = 0; i < 1_000; i++) if (limits.take(`key-${i}`)) allowed++;
    assert.ok(limits.size <= 10, `${limits.size} keys tracked`);
    // The first 10 keys got their own bucket; the 990 others shared one with a burst of 1.
    assert.equal(allowed, 11);
  });
});

describe('per-client limits over HTTP', () => {
  test('open streams per address: the 3rd passes, the 4th gets 429, a closed one frees its place', async () => {
    const running = await listen({ maxStreamsPerClient: 3, streamRatePerClient: null });
    try {
      const streams = [];
      for (let i = 0; i < 3; i++) streams.push(await open(running.port, '127.0.0.2'));
      assert.deepEqual(
        streams.map((s) => s.status),
        [200, 200, 200],
      );
      const refused = await open(running.port, '127.0.0.2');
      assert.equal(refused.status, 429);
      assert.match(refused.body, /too many open streams from this address \(at most 3\)/);
      // Another client is not affected.
      const other = await open(running.port, '127.0.0.3');
      assert.equal(other.status, 200);
      streams[0]!.close();
      await until(() => running.hub.stats().subscribers === 3);
      const again = await open(running.port, '127.0.0.2');
      assert.equal(again.status, 200);
      for (const stream of [...streams, other, again]) stream.close();
    } finally {
      await running.close();
    }
  });

  test('new streams per second per address: after the burst, 429 with Retry-After', async () => {
    const running = await listen({ maxStreamsPerClient: 2, streamRatePerClient: 1 });
    try {
      // A burst of 2 (the open-stream limit), then 1 a second: open two, close them, open a third.
      const started = performance.now();
      const first = await open(running.port, '127.0.0.4');
      const second = await open(running.port, '127.0.0.4');
      first.close();
      second.close();
      await until(() => running.hub.stats().subscribers === 0);
      const third = await open(running.port, '127.0.0.4');
      if (performance.now() - started < 1_000) {
        assert.equal(third.status, 429);
        assert.match(third.body, /opens streams too fast/);
      } else {
        // This machine took over a second: the bucket refilled one, as it should.
        assert.equal(third.status, 200);
        third.close();
      }
      assert.equal((await open(running.port, '127.0.0.5')).status, 200, 'another address has its own bucket');
    } finally {
      await running.close();
    }
  });

  test('behind a proxy (trustProxy), each X-Forwarded-For address is its own client', async () => {
    const running = await listen({ maxStreamsPerClient: 1, streamRatePerClient: null, trustProxy: true });
    try {
      const a = await open(running.port, '127.0.0.6', { 'x-forwarded-for': '198.51.100.1' });
      const b = await open(running.port, '127.0.0.6', { 'x-forwarded-for': '198.51.100.2' });
      const a2 = await open(running.port, '127.0.0.6', { 'x-forwarded-for': '203.0.113.9, 198.51.100.1' });
      assert.deepEqual([a.status, b.status, a2.status], [200, 200, 429]);
      a.close();
      b.close();
    } finally {
      await running.close();
    }
  });

  describe('publishes per second per token', () => {
    let running: Running;
    before(async () => {
      running = await listen({ publishRatePerToken: 5 });
    });
    after(() => running.close());

    const publish = (bearer: string) =>
      fetch(`http://127.0.0.1:${running.port}/.well-known/mercure`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}` },
        body: new URLSearchParams({ topic: 'urn:rate', data: 'x' }),
      });

    test('past the rate a token gets 429 with Retry-After; another token has its own budget', async () => {
      const busy = token(PUBLISH_ALL);
      const started = performance.now();
      let accepted = 0;
      let refused: Response | undefined;
      for (let i = 0; i < 100 && refused === undefined; i++) {
        const answer = await publish(busy);
        if (answer.status === 200) accepted++;
        else refused = answer;
        await answer.arrayBuffer().catch(() => {});
      }
      const seconds = (performance.now() - started) / 1000;
      // A burst of 5, then 5 a second: however slow this machine is, no more got through.
      assert.ok(accepted >= 5 && accepted <= 5 + Math.ceil(seconds * 5), `${accepted} accepted in ${seconds} s`);
      assert.equal(refused?.status, 429);
      assert.ok(Number(refused.headers.get('retry-after')) >= 1);
      const other = token({ ...PUBLISH_ALL, sub: 'another publisher' });
      assert.equal((await publish(other)).status, 200);
      // hub.publish() (no HTTP, no token) is not limited.
      await running.hub.publish({ topics: ['urn:rate'], data: 'in process' });
    });
  });

  test('limits can be turned off with null and are checked at createHub', () => {
    const hub = createHub({
      maxStreamsPerClient: null,
      streamRatePerClient: null,
      publishRatePerToken: null,
      log: null,
    });
    assert.deepEqual(
      [hub.options.maxStreamsPerClient, hub.options.streamRatePerClient, hub.options.publishRatePerToken],
      [null, null, null],
    );
    void hub.close();
    assert.throws(() => createHub({ maxStreamsPerClient: 0 }), /maxStreamsPerClient must be a whole number >= 1/);
    assert.throws(() => createHub({ publishRatePerToken: 1.5 }), /publishRatePerToken must be a whole number/);
  });
});

describe('per-client limits: the CLI flags', () => {
  test('--max-streams-per-client and --publish-rate set the limits; 0 turns one off', async () => {
    const hub = await startHub([
      '--jwt-key',
      KEY,
      '--anonymous',
      '--max-streams-per-client',
      '1',
      '--publish-rate',
      '0',
    ]);
    try {
      const port = Number(new URL(hub.url).port);
      const first = await open(port, '127.0.0.7');
      const second = await open(port, '127.0.0.7');
      assert.deepEqual([first.status, second.status], [200, 429]);
      first.close();
      const bearer = token(PUBLISH_ALL);
      const statuses = new Set<number>();
      for (let i = 0; i < 1_100; i++) {
        const answer = await fetch(hub.hubUrl, {
          method: 'POST',
          headers: { authorization: `Bearer ${bearer}` },
          body: new URLSearchParams({ topic: 'urn:cli-rate', data: String(i) }),
        });
        statuses.add(answer.status);
        await answer.arrayBuffer();
      }
      assert.deepEqual([...statuses], [200], 'more than the default 1000 a second, none refused');
    } finally {
      await hub.stop();
    }
  });
});
