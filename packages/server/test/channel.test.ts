import assert from 'node:assert/strict';
import { once } from 'node:events';
import { get, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { ProtocolError } from '@tidings/protocol';
import { type Channel, type ChannelOptions, createChannel, RESET_EVENT, type Session } from '@tidings/server';
import { chunkedDecoder, openStream, readStream, sessionServer, until } from './helpers.ts';

/** A server whose every request joins `channel`; `?user=` lands in session.state.user. */
async function channelServer(options?: ChannelOptions) {
  const channel = createChannel(options);
  const server = await sessionServer({ keepAlive: null }, (session, req) => {
    session.state.user = new URL(req.url ?? '/', 'http://x').searchParams.get('user');
    channel.register(session);
  });
  return { ...server, channel };
}

async function joined(channel: Channel, count: number): Promise<void> {
  await until(() => channel.sessionCount === count, `${count} sessions in the channel`);
}

describe('channels', () => {
  it('broadcasts the same bytes to every session, serialized once', async () => {
    const s = await channelServer();
    try {
      const streams = await Promise.all([1, 2, 3].map(() => openStream(s.url)));
      await joined(s.channel, 3);
      const written: unknown[] = [];
      for (const session of s.sessions) {
        const write = session.write.bind(session);
        session.write = (chunk) => {
          written.push(chunk);
          write(chunk);
        };
      }
      const id = s.channel.broadcast('hello all', { event: 'greeting' });
      assert.equal(written.length, 3);
      assert.ok(written[0] instanceof Uint8Array);
      assert.ok(
        written.every((chunk) => chunk === written[0]),
        'one Uint8Array for all',
      );
      for (const stream of streams) {
        await stream.waitFor(() => stream.events.length === 1, 'the broadcast');
        assert.deepEqual(
          [stream.events[0]!.type, stream.events[0]!.data, stream.events[0]!.lastEventId],
          ['greeting', 'hello all', id],
        );
        stream.close();
      }
    } finally {
      await s.close();
    }
  });

  it('coalesces several pending events for one session into one write', async () => {
    const s = await channelServer();
    try {
      const socket = connect(Number(new URL(s.url).port), '127.0.0.1');
      const chunks: string[] = [];
      let current = '';
      const decode = chunkedDecoder(
        (payload) => {
          current += payload;
        },
        () => {
          chunks.push(current);
          current = '';
        },
      );
      let head = '';
      socket.on('data', (data: Buffer) => {
        const text = data.toString('latin1');
        if (head.includes('\r\n\r\n')) return decode(text);
        head += text;
        const end = head.indexOf('\r\n\r\n');
        if (end >= 0) decode(head.slice(end + 4));
      });
      socket.write('GET / HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n');
      await joined(s.channel, 1);
      await until(() => chunks.length === 1, 'the position marker');
      s.channel.broadcast('a', { id: 'a' });
      s.channel.broadcast('b', { id: 'b' });
      s.channel.broadcast('c', { id: 'c' });
      await until(() => chunks.length === 2, 'a second chunk');
      // All three events in one chunk, i.e. one write.
      assert.equal(chunks[1], 'id: a\ndata: a\n\nid: b\ndata: b\n\nid: c\ndata: c\n\n');
      socket.destroy();
    } finally {
      await s.close();
    }
  });

  it('filters recipients, live and on replay', async () => {
    const s = await channelServer();
    try {
      const alice = await openStream(`${s.url}/?user=alice`);
      const bob = await openStream(`${s.url}/?user=bob`);
      await joined(s.channel, 2);
      const onlyAlice = (session: Session) => session.state.user === 'alice';
      s.channel.broadcast('for everyone', { id: '1' });
      s.channel.broadcast('for alice', { id: '2', filter: onlyAlice });
      s.channel.broadcast('for everyone again', { id: '3' });
      await alice.waitFor(() => alice.events.length === 3, 'three events');
      await bob.waitFor(() => bob.events.length === 2, 'two events');
      assert.deepEqual(
        bob.events.map((e) => e.data),
        ['for everyone', 'for everyone again'],
      );
      alice.close();
      bob.close();
      const bobAgain = await openStream(`${s.url}/?user=bob`, { 'last-event-id': '1' });
      await bobAgain.waitFor(() => bobAgain.events.length === 1, 'the replay');
      s.channel.broadcast('live', { id: '4' });
      await bobAgain.waitFor(() => bobAgain.events.length === 2, 'the live event');
      assert.deepEqual(
        bobAgain.events.map((e) => e.data),
        ['for everyone again', 'live'],
      );
      bobAgain.close();
    } finally {
      await s.close();
    }
  });

  it('reports sessions registered and deregistered, with counts', async () => {
    const s = await channelServer();
    const log: string[] = [];
    s.channel.on('session-registered', ({ count }) => log.push(`+${count}`));
    const stop = s.channel.on('session-deregistered', ({ count }) => log.push(`-${count}`));
    try {
      const a = await openStream(s.url);
      const b = await openStream(s.url);
      await joined(s.channel, 2);
      a.close();
      await joined(s.channel, 1);
      assert.equal(s.channel.deregister(s.sessions[1]!), true);
      assert.equal(s.channel.deregister(s.sessions[1]!), false);
      assert.deepEqual(log, ['+1', '+2', '-1', '-0']);
      stop();
      b.close();
      assert.throws(() => s.channel.on('nope' as 'session-registered', () => {}), TypeError);
    } finally {
      await s.close();
    }
  });

  it('rejects injected fields before recording anything', async () => {
    const channel = createChannel();
    assert.throws(() => channel.broadcast('x', { event: 'a\nb' }), ProtocolError);
    assert.throws(() => channel.broadcast('x', { id: 'a\0b' }), ProtocolError);
    assert.equal(channel.lastEventId, '');
    assert.throws(() => createChannel({ history: { size: 0 } }), /history.size must be/);
    assert.throws(() => createChannel({ history: { maxAge: -1 } }), /history.maxAge must be/);
  });
});

describe('history and Last-Event-ID replay', () => {
  it('replays what a session missed, then goes live', async () => {
    const s = await channelServer();
    try {
      const ids = ['one', 'two', 'three', 'four'].map((data) => s.channel.broadcast(data));
      const stream = await openStream(s.url, { 'last-event-id': ids[1]! });
      await stream.waitFor(() => stream.events.length === 2, 'the replay');
      s.channel.broadcast('five');
      await stream.waitFor(() => stream.events.length === 3, 'the live event');
      assert.deepEqual(
        stream.events.map((e) => e.data),
        ['three', 'four', 'five'],
      );
      stream.close();
    } finally {
      await s.close();
    }
  });

  it('gives a fresh session its position, so its first reconnect replays what it missed', async () => {
    const s = await channelServer();
    try {
      s.channel.broadcast('before');
      const first = await openStream(s.url);
      await first.waitFor(() => first.raw.includes('id:'), 'the position marker');
      first.close();
      await joined(s.channel, 0);
      s.channel.broadcast('while away 1');
      s.channel.broadcast('while away 2');
      const lastId = /id: (.*)\n/.exec(first.raw)![1]!;
      assert.equal(first.events.length, 0);
      const second = await openStream(s.url, { 'last-event-id': lastId });
      await second.waitFor(() => second.events.length === 2, 'the missed events');
      assert.deepEqual(
        second.events.map((e) => e.data),
        ['while away 1', 'while away 2'],
      );
      second.close();

      // The same holds for a channel that has broadcast nothing yet.
      const empty = await channelServer();
      const early = await openStream(empty.url);
      await early.waitFor(() => early.raw.includes('id:'), 'the position marker');
      early.close();
      empty.channel.broadcast('first ever');
      const back = await openStream(empty.url, { 'last-event-id': /id: (.*)\n/.exec(early.raw)![1]! });
      await back.waitFor(() => back.events.length === 1, 'the first event');
      assert.equal(back.events[0]!.data, 'first ever');
      back.close();
      await empty.close();
    } finally {
      await s.close();
    }
  });

  it(`sends ${RESET_EVENT} for an unknown id, and for one pushed out of a history bounded by count`, async () => {
    const s = await channelServer({ history: { size: 3 } });
    try {
      const ids = ['1', '2', '3', '4', '5'].map((data) => s.channel.broadcast(data));
      const unknown = await openStream(s.url, { 'last-event-id': 'no-such-id' });
      const evicted = await openStream(s.url, { 'last-event-id': ids[0]! });
      const kept = await openStream(s.url, { 'last-event-id': ids[2]! });
      for (const stream of [unknown, evicted]) {
        await stream.waitFor(() => stream.events.length === 1, 'the reset');
        const reset = stream.events[0]!;
        assert.equal(reset.type, RESET_EVENT);
        assert.deepEqual(JSON.parse(reset.data), { reason: 'unknown-or-expired' });
        // The reset moves the client to the newest event, so its next reconnect is not reset again.
        assert.equal(reset.lastEventId, ids[4]);
      }
      await kept.waitFor(() => kept.events.length === 2, 'the two kept events');
      assert.deepEqual(
        kept.events.map((e) => e.data),
        ['4', '5'],
      );
      s.channel.broadcast('6');
      for (const stream of [unknown, evicted, kept]) {
        await stream.waitFor(() => stream.events.at(-1)?.data === '6', 'the live event');
        stream.close();
      }
    } finally {
      await s.close();
    }
  });

  it(`sends ${RESET_EVENT} for an id that has aged out of the history`, async () => {
    const s = await channelServer({ history: { maxAge: 50 } });
    try {
      const old = s.channel.broadcast('old');
      s.channel.broadcast('newest');
      await new Promise((resolve) => setTimeout(resolve, 80));
      const stream = await openStream(s.url, { 'last-event-id': old });
      await stream.waitFor(() => stream.events.length === 1, 'the reset');
      assert.equal(stream.events[0]!.type, RESET_EVENT);
      stream.close();
    } finally {
      await s.close();
    }
  });

  it('joins a long replay to live events published during it, with no gap and no duplicate', async () => {
    const total = 20_000;
    const s = await channelServer({ history: { size: total + 1000 } });
    try {
      const payload = 'p'.repeat(1000);
      const ids: string[] = [];
      for (let i = 0; i < total; i++) ids.push(s.channel.broadcast(`${i} ${payload}`));
      // 20 MB of replay to a client that is not reading: more than the socket buffers take at once.
      const req = get(s.url, { headers: { accept: 'text/event-stream', 'last-event-id': ids[9]! } });
      const [res] = (await once(req, 'response')) as [IncomingMessage];
      res.pause();
      await joined(s.channel, 1);
      const session = s.sessions[0]!;
      await until(() => session.connected && s.channel.isReplaying(session), 'the replay to start');
      // Live events while the replay is still in progress.
      for (let i = total; i < total + 200; i++) {
        ids.push(s.channel.broadcast(`${i} ${payload}`));
        if (i % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      assert.equal(s.channel.isReplaying(session), true, 'live events were published during the replay');
      const stream = readStream(res, () => req.destroy());
      res.resume();
      await stream.waitFor(() => stream.events.at(-1)?.data.startsWith(`${total + 199} `) === true, 'the last event');
      const got = stream.events.map((e) => Number(e.data.split(' ')[0]));
      const expected = Array.from({ length: total + 190 }, (_, i) => i + 10);
      assert.deepEqual(got, expected);
      assert.deepEqual(
        stream.events.map((e) => e.lastEventId),
        ids.slice(10),
      );
      stream.close();
    } finally {
      await s.close();
    }
  });

  it('keeps no history with history: null', async () => {
    const s = await channelServer({ history: null });
    try {
      assert.equal(s.channel.broadcast('no id'), '');
      const stream = await openStream(s.url, { 'last-event-id': 'anything' });
      await joined(s.channel, 1);
      s.channel.broadcast('live');
      await stream.waitFor(() => stream.events.length === 1, 'the live event');
      assert.equal(stream.events[0]!.data, 'live');
      assert.equal(stream.raw, 'data: live\n\n');
      stream.close();
    } finally {
      await s.close();
    }
  });
});
