import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ParsedEvent } from '@tidings/protocol';
import { type ChannelOptions, createChannel, REPLAY_EVENT } from '@tidings/server';
import type { NodeSessionOptions } from '@tidings/server/node';
import { openStream, type Stream, sessionServer } from './helpers.ts';

/** The events a test cares about: everything but the in-band replay signal. */
function messages(stream: Stream): ParsedEvent[] {
  return stream.events.filter((e) => e.event !== REPLAY_EVENT);
}

async function pollServer(sessionOptions: NodeSessionOptions = {}, channelOptions?: ChannelOptions) {
  const channel = createChannel(channelOptions);
  const server = await sessionServer({ keepAlive: null, ...sessionOptions }, (session) => channel.register(session));
  return { ...server, channel };
}

describe('polling fallback', () => {
  it('returns the events pending since Last-Event-ID, then ends after the linger', async () => {
    const s = await pollServer();
    try {
      const ids: string[] = [];
      for (const data of ['a', 'b', 'c']) ids.push(await s.channel.broadcast(data));
      const poll = await openStream(`${s.url}/?tidings-poll=1`, { 'last-event-id': ids[0]! });
      // Published within the linger: it goes out in the same response.
      setTimeout(() => s.channel.broadcast('d'), 20);
      await poll.ended;
      assert.deepEqual(
        messages(poll).map((e) => e.data),
        ['b', 'c', 'd'],
      );
      assert.equal(s.sessions[0]!.polling, true);
      assert.equal(s.sessions[0]!.signal.reason.code, 'POLL_COMPLETE');
    } finally {
      await s.close();
    }
  });

  it('waits for the first event when none is pending (long poll), marked by header too', async () => {
    const s = await pollServer();
    try {
      const id = await s.channel.broadcast('old');
      const poll = await openStream(s.url, { 'tidings-poll': '1', 'last-event-id': id });
      s.channel.broadcast('new');
      await poll.ended;
      assert.deepEqual(
        messages(poll).map((e) => e.data),
        ['new'],
      );
    } finally {
      await s.close();
    }
  });

  it('ends empty after the poll timeout, leaving the client its position', async () => {
    const s = await pollServer({ polling: { timeout: 50 } });
    try {
      s.channel.broadcast('before');
      const poll = await openStream(`${s.url}/?tidings-poll=true`);
      await poll.ended;
      assert.equal(poll.events.length, 0);
      assert.equal(poll.raw, `id: ${s.channel.lastEventId}\n\n`);
    } finally {
      await s.close();
    }
  });

  it('loses no event between polls while events keep coming', async () => {
    const s = await pollServer({ polling: { linger: 5, timeout: 1000 } });
    const count = 300;
    let published = 0;
    let publisher: ReturnType<typeof setInterval> | undefined;
    // Publishes 3 events every millisecond, from when the first poll is in place.
    const startPublishing = () => {
      publisher = setInterval(() => {
        for (let i = 0; i < 3 && published < count; i++) void s.channel.broadcast(String(published++));
        if (published === count) clearInterval(publisher);
      }, 1);
    };
    try {
      const received: string[] = [];
      let lastId = '';
      let polls = 0;
      while (received.length < count && polls < 1000) {
        polls++;
        const poll = await openStream(`${s.url}/?tidings-poll=1`, lastId ? { 'last-event-id': lastId } : {});
        if (polls === 1) startPublishing();
        await poll.ended;
        for (const event of messages(poll)) received.push(event.data);
        // The last id line of the response: an event's id, or the position marker.
        const ids = [...poll.raw.matchAll(/^id: (.*)$/gm)];
        if (ids.length > 0) lastId = ids.at(-1)![1]!;
      }
      assert.deepEqual(
        received,
        Array.from({ length: count }, (_, i) => String(i)),
      );
      assert.ok(polls > 1, 'more than one poll');
    } finally {
      if (publisher) clearInterval(publisher);
      await s.close();
    }
  });

  it('streams normally when polling is null', async () => {
    const s = await pollServer({ polling: null });
    try {
      const stream = await openStream(`${s.url}/?tidings-poll=1`);
      s.channel.broadcast('x');
      await stream.waitFor(() => stream.events.length === 1, 'the event');
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(s.sessions[0]!.connected, true);
      assert.equal(s.sessions[0]!.polling, false);
      stream.close();
    } finally {
      await s.close();
    }
  });

  it('ends a plain session (no channel) after its first push and the linger', async () => {
    const server = await sessionServer({}, (session) => {
      session.push('one');
      session.push('two');
    });
    try {
      const poll = await openStream(`${server.url}/?tidings-poll=1`);
      await poll.ended;
      assert.deepEqual(
        messages(poll).map((e) => e.data),
        ['one', 'two'],
      );
    } finally {
      await server.close();
    }
  });
});
