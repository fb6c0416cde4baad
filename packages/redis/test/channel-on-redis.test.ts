// Two instances of an app, each a node:http server with a Channel of @tidings/server on its own
// RedisLog (same Redis, same prefix): a client of one gets what the other broadcasts, and a client that
// reconnects to the other instance with its Last-Event-ID gets what it missed. On the machine's Redis.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { after, test } from 'node:test';
import { RedisLog } from '@tidings/redis';
import { type Channel, createChannel } from '@tidings/server';
import { createSession } from '@tidings/server/node';
import { deletePrefix, skipWithoutRedis, TEST_REDIS_URL, uniquePrefix } from '../../../test-support/redis-test-keys.ts';

const skip = await skipWithoutRedis();
const prefix = uniquePrefix('channel');

interface Instance {
  readonly log: RedisLog;
  readonly channel: Channel;
  readonly server: Server;
  readonly url: string;
}

async function instance(): Promise<Instance> {
  const log = await RedisLog.connect({ url: TEST_REDIS_URL, prefix });
  const channel = createChannel({ eventLog: log });
  const server = createServer((req, res) => {
    const session = createSession(req, res);
    if (session) channel.register(session);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return { log, channel, server, url: `http://127.0.0.1:${address.port}/events` };
}

/** Reads the event stream until `count` events with data arrived; resolves their ids and data. */
async function events(url: string, count: number, lastEventId?: string): Promise<{ id: string; data: string }[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 5000);
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream', ...(lastEventId !== undefined && { 'last-event-id': lastEventId }) },
    signal: controller.signal,
  });
  const out: { id: string; data: string }[] = [];
  let text = '';
  try {
    for await (const chunk of response.body!) {
      text += Buffer.from(chunk).toString('utf8');
      let end = text.indexOf('\n\n');
      while (end !== -1) {
        const block = text.slice(0, end);
        text = text.slice(end + 2);
        const field = (name: string) =>
          block
            .split('\n')
            .find((line) => line.startsWith(`${name}:`))
            ?.slice(name.length + 1)
            .trimStart();
        const data = field('data');
        const event = field('event');
        if (data !== undefined && event === undefined) out.push({ id: field('id') ?? '', data });
        if (out.length === count) return out;
        end = text.indexOf('\n\n');
      }
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return out;
}

test('channels on two instances sharing a log: delivery and replay across them', { skip }, async () => {
  const a = await instance();
  const b = await instance();
  after(async () => {
    for (const { server, channel, log } of [a, b]) {
      server.closeAllConnections();
      server.close();
      await channel.close();
      await log.close();
    }
    await deletePrefix(TEST_REDIS_URL, prefix);
  });

  const onB = events(b.url, 2);
  await new Promise((r) => setTimeout(r, 200)); // the client on b is registered
  const first = await a.channel.broadcast('one');
  const second = await b.channel.broadcast('two');
  assert.deepEqual(await onB, [
    { id: first, data: 'one' },
    { id: second, data: 'two' },
  ]);

  const third = await b.channel.broadcast('three');
  // A client that saw `first` reconnects to the other instance: it gets the rest, in order.
  assert.deepEqual(await events(a.url, 2, first), [
    { id: second, data: 'two' },
    { id: third, data: 'three' },
  ]);
});
