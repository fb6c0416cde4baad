import assert from 'node:assert/strict';
import { once } from 'node:events';
import { get, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import type { ParsedEvent } from '@tidings/protocol';
import { ProtocolError } from '@tidings/protocol';
import { type Channel, type ChannelOptions, createChannel, MemoryLog, REPLAY_EVENT } from '@tidings/server';
import { chunkedDecoder, openStream, readStream, type Stream, sessionServer, until } from './helpers.ts';

/** A server whose every request joins `channel`; `?user=` lands in session.state.user. */
async function channelServer(options?: ChannelOptions) {
  const channel = createChannel(options);
  const server = await sessionServer({ keepAlive: null }, (session, req) => {
    session.state.user = new URL(req.url ?? '/', 'http://x').searchParams.get('user');
    channel.register(session);
  });
  return { ...server, channel };
}

/** The events a test cares about: everything but the in-band replay signal. */
function messages(stream: Stream): ParsedEvent[] {
  return stream.events.filter((e) => e.event !== REPLAY_EVENT);
}

/** The in-band replay signals a stream received, parsed. */
function replaySignals(stream: Stream): { lastEventId: string; requested: string }[] {
  return stream.events.filter((e) => e.event === REPLAY_EVENT).map((e) => JSON.parse(e.data));
}

async function broadcastAll(channel: Channel, data: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const d of data) ids.push(await channel.broadcast(d));
  return ids;
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
      const id = await s.channel.broadcast('hello all', { event: 'greeting' });
      assert.equal(written.length, 3);
      assert.ok(written[0] instanceof Uint8Array);
      assert.ok(
        written.every((chunk) => chunk === written[0]),
        'one Uint8Array for all',
      );
      for (const stream of streams) {
        await stream.waitFor(() => stream.events.length === 1, 'the broadcast');
        assert.deepEqual(
          [stream.events[0]!.event, stream.events[0]!.data, stream.events[0]!.lastEventId],
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

  it('selects recipients by the topics kept with each event, live and on replay', async () => {
    const s = await channelServer({
      select: (session, entry) => entry.topics.length === 0 || entry.topics.includes(String(session.state.user)),
    });
    try {
      const alice = await openStream(`${s.url}/?user=alice`);
      const bob = await openStream(`${s.url}/?user=bob`);
      await joined(s.channel, 2);
      await s.channel.broadcast('for everyone', { id: '1' });
      await s.channel.broadcast('for alice', { id: '2', topics: ['alice'] });
      await s.channel.broadcast('for everyone again', { id: '3' });
      await alice.waitFor(() => alice.events.length === 3, 'three events');
      await bob.waitFor(() => bob.events.length === 2, 'two events');
      assert.deepEqual(
        bob.events.map((e) => e.data),
        ['for everyone', 'for everyone again'],
      );
      alice.close();
      bob.close();
      const bobAgain = await openStream(`${s.url}/?user=bob`, { 'last-event-id': '1' });
      await bobAgain.waitFor(() => messages(bobAgain).length === 1, 'the replay');
      await s.channel.broadcast('live', { id: '4' });
      await bobAgain.waitFor(() => messages(bobAgain).length === 2, 'the live event');
      assert.deepEqual(
        messages(bobAgain).map((e) => e.data),
        ['for everyone again', 'live'],
      );
      bobAgain.close();
    } finally {
      await s.close();
    }
  });

  it('a select that throws is reported, and that session alone misses the event', async () => {
    const errors: unknown[] = [];
    const s = await channelServer({
      select: (session) => {
        if (session.state.user === 'bad') throw new Error('boom');
        return true;
      },
      onError: (error) => errors.push(error),
    });
    try {
      const good = await openStream(`${s.url}/?user=good`);
      const bad = await openStream(`${s.url}/?user=bad`);
      await joined(s.channel, 2);
      await s.channel.broadcast('x');
      await good.waitFor(() => good.events.length === 1, 'the event');
      assert.equal(errors.length, 1);
      assert.equal(bad.events.length, 0);
      good.close();
      bad.close();
    } finally {
      await s.close();
    }
  });

  it('a select that throws during a replay is reported; the process and the other events go on', async () => {
    const errors: unknown[] = [];
    const s = await channelServer({
      select: (_session, entry) => {
        if (entry.data === 'bad') throw new Error('select bug');
        return true;
      },
      onError: (error) => errors.push(error),
    });
    try {
      const [first] = await broadcastAll(s.channel, ['first', 'bad', 'after']);
      const stream = await openStream(s.url, { 'last-event-id': first! });
      await stream.waitFor(() => messages(stream).length === 1, 'the replay');
      assert.deepEqual(
        messages(stream).map((e) => e.data),
        ['after'],
      );
      assert.equal(errors.length, 1);
      stream.close();
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

  it('rejects injected fields before recording anything, and duplicate ids', async () => {
    const channel = createChannel();
    assert.throws(() => channel.broadcast('x', { event: 'a\nb' }), ProtocolError);
    assert.throws(() => channel.broadcast('x', { id: 'a\0b' }), ProtocolError);
    assert.equal(channel.lastEventId, '');
    // One way to keep no history, `history: null`: a size of 0 says so.
    assert.throws(() => createChannel({ history: { size: 0 } }), /history.size must be .* pass history: null/);
    assert.throws(
      () => createChannel({ history: { maxAge: -1 } }),
      /history.maxAge must be a whole number of milliseconds/,
    );
    await createChannel({ history: { maxAge: null } }).close(); // no age limit
    assert.throws(() => createChannel({ history: { maxBytes: 0 } }), /history.maxBytes must be/);
    assert.throws(
      () => createChannel({ eventLog: new MemoryLog(), history: { size: 5 } }),
      /either eventLog or history/,
    );
    assert.throws(() => createChannel({ eventLog: {} as never }), /eventLog must be an EventLog/);
    assert.throws(() => createChannel({ select: 5 as never }), /select must be a function/);
    await channel.broadcast('x', { id: 'taken' });
    await assert.rejects(channel.broadcast('y', { id: 'taken' }), { code: 'DUPLICATE_ID' });
  });
});

describe('history and Last-Event-ID replay', () => {
  it('replays what a session missed, says where it resumed, then goes live', async () => {
    const s = await channelServer();
    try {
      const ids = await broadcastAll(s.channel, ['one', 'two', 'three', 'four']);
      const stream = await openStream(s.url, { 'last-event-id': ids[1]! });
      await stream.waitFor(() => messages(stream).length === 2, 'the replay');
      await s.channel.broadcast('five');
      await stream.waitFor(() => messages(stream).length === 3, 'the live event');
      assert.deepEqual(
        messages(stream).map((e) => e.data),
        ['three', 'four', 'five'],
      );
      assert.deepEqual(replaySignals(stream), [{ lastEventId: ids[1], requested: ids[1] }]);
      assert.equal(stream.events[0]!.event, REPLAY_EVENT, 'the signal comes first');
      assert.equal(stream.events[0]!.lastEventId, '', 'the signal carries no id: it does not move the last event id');
      stream.close();
    } finally {
      await s.close();
    }
  });

  it('gives a fresh session its position, so its first reconnect replays what it missed', async () => {
    const s = await channelServer();
    try {
      await s.channel.broadcast('before');
      const first = await openStream(s.url);
      await first.waitFor(() => first.raw.includes('id:'), 'the position marker');
      first.close();
      await joined(s.channel, 0);
      await s.channel.broadcast('while away 1');
      await s.channel.broadcast('while away 2');
      const lastId = /id: (.*)\n/.exec(first.raw)![1]!;
      assert.equal(first.events.length, 0);
      const second = await openStream(s.url, { 'last-event-id': lastId });
      await second.waitFor(() => messages(second).length === 2, 'the missed events');
      assert.deepEqual(
        messages(second).map((e) => e.data),
        ['while away 1', 'while away 2'],
      );
      second.close();

      // The same holds for a channel that has broadcast nothing yet.
      const empty = await channelServer();
      const early = await openStream(empty.url);
      await early.waitFor(() => early.raw.includes('id:'), 'the position marker');
      early.close();
      await empty.channel.broadcast('first ever');
      const marker = /id: (.*)\n/.exec(early.raw)![1]!;
      const back = await openStream(empty.url, { 'last-event-id': marker });
      await back.waitFor(() => messages(back).length === 1, 'the first event');
      assert.equal(messages(back)[0]!.data, 'first ever');
      assert.deepEqual(replaySignals(back), [{ lastEventId: marker, requested: marker }]);
      back.close();
      await empty.close();
    } finally {
      await s.close();
    }
  });

  it('an unknown id, or one pushed out of a history bounded by count, replays from the oldest kept, signalled as earliest', async () => {
    const s = await channelServer({ history: { size: 3 } });
    try {
      const ids = await broadcastAll(s.channel, ['1', '2', '3', '4', '5']);
      const unknown = await openStream(s.url, { 'last-event-id': 'no-such-id' });
      const evicted = await openStream(s.url, { 'last-event-id': ids[0]! });
      const kept = await openStream(s.url, { 'last-event-id': ids[2]! });
      for (const [stream, requested] of [
        [unknown, 'no-such-id'],
        [evicted, ids[0]!],
      ] as const) {
        await stream.waitFor(() => messages(stream).length === 3, 'the kept events');
        assert.deepEqual(replaySignals(stream), [{ lastEventId: 'earliest', requested }]);
        assert.deepEqual(
          messages(stream).map((e) => e.data),
          ['3', '4', '5'],
        );
      }
      await kept.waitFor(() => messages(kept).length === 2, 'the two kept events');
      assert.deepEqual(
        messages(kept).map((e) => e.data),
        ['4', '5'],
      );
      await s.channel.broadcast('6');
      for (const stream of [unknown, evicted, kept]) {
        await stream.waitFor(() => stream.events.at(-1)?.data === '6', 'the live event');
        stream.close();
      }
    } finally {
      await s.close();
    }
  });

  it('an id that aged out replays from the oldest kept, signalled as earliest; the newest outlives maxAge', async () => {
    const s = await channelServer({ history: { maxAge: 50 } });
    try {
      const [old, newest] = await broadcastAll(s.channel, ['old', 'newest']);
      await new Promise((resolve) => setTimeout(resolve, 80));
      const stream = await openStream(s.url, { 'last-event-id': old! });
      await stream.waitFor(() => messages(stream).length === 1, 'the newest event');
      assert.deepEqual(replaySignals(stream), [{ lastEventId: 'earliest', requested: old }]);
      assert.equal(messages(stream)[0]!.data, 'newest');
      // The newest event is kept past maxAge, so a client that saw it resumes without a false alarm.
      const upToDate = await openStream(s.url, { 'last-event-id': newest! });
      await upToDate.waitFor(() => upToDate.events.length === 1, 'the replay signal');
      assert.deepEqual(replaySignals(upToDate), [{ lastEventId: newest, requested: newest }]);
      stream.close();
      upToDate.close();
    } finally {
      await s.close();
    }
  });

  it('decodes a non-ASCII Last-Event-ID header as UTF-8, so it matches', async () => {
    const s = await channelServer();
    try {
      const id = await s.channel.broadcast('first', { id: 'événement-€-𝄞' });
      await s.channel.broadcast('second');
      // node:http sends header bytes as Latin-1 characters: give it the UTF-8 bytes, as a browser sends them.
      const utf8AsLatin1 = Buffer.from(id, 'utf8').toString('latin1');
      const stream = await openStream(s.url, { 'last-event-id': utf8AsLatin1 });
      await stream.waitFor(() => messages(stream).length === 1, 'the replay');
      assert.deepEqual(replaySignals(stream), [{ lastEventId: id, requested: id }]);
      assert.equal(messages(stream)[0]!.data, 'second');
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
      for (let i = 0; i < total; i++) ids.push(await s.channel.broadcast(`${i} ${payload}`));
      // 20 MB of replay to a client that is not reading: more than the socket buffers take at once.
      const req = get(s.url, { headers: { accept: 'text/event-stream', 'last-event-id': ids[9]! } });
      const [res] = (await once(req, 'response')) as [IncomingMessage];
      res.pause();
      await joined(s.channel, 1);
      const session = s.sessions[0]!;
      await until(() => session.connected && s.channel.isReplaying(session), 'the replay to start');
      // Live events while the replay is still in progress.
      for (let i = total; i < total + 200; i++) {
        ids.push(await s.channel.broadcast(`${i} ${payload}`));
        if (i % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      assert.equal(s.channel.isReplaying(session), true, 'live events were published during the replay');
      const stream = readStream(res, () => req.destroy());
      res.resume();
      await stream.waitFor(() => stream.events.at(-1)?.data.startsWith(`${total + 199} `) === true, 'the last event');
      const got = messages(stream).map((e) => Number(e.data.split(' ')[0]));
      const expected = Array.from({ length: total + 190 }, (_, i) => i + 10);
      assert.deepEqual(got, expected);
      assert.deepEqual(
        messages(stream).map((e) => e.lastEventId),
        ids.slice(10),
      );
      stream.close();
    } finally {
      await s.close();
    }
  });

  it('entries trimmed while a slow replay runs are signalled again, never skipped silently', async () => {
    const size = 10_000;
    const s = await channelServer({ history: { size } });
    try {
      const payload = 'q'.repeat(1000);
      for (let i = 0; i < size; i++) await s.channel.broadcast(`${i} ${payload}`);
      const first = (await s.channel.eventLog!.earliest())!;
      const req = get(s.url, { headers: { accept: 'text/event-stream', 'last-event-id': first.id } });
      const [res] = (await once(req, 'response')) as [IncomingMessage];
      res.pause();
      await joined(s.channel, 1);
      const session = s.sessions[0]!;
      await until(() => session.connected && s.channel.isReplaying(session), 'the replay to start');
      // Enough new events to trim everything the replay has not reached yet (held bytes stay under the bound).
      for (let i = size; i < size + size; i++) await s.channel.broadcast(`${i}`);
      const stream = readStream(res, () => req.destroy());
      res.resume();
      await stream.waitFor(() => stream.events.at(-1)?.data === `${2 * size - 1}`, 'the last event');
      const signals = replaySignals(stream);
      assert.deepEqual(signals, [
        { lastEventId: first.id, requested: first.id },
        { lastEventId: 'earliest', requested: first.id },
      ]);
      const got = messages(stream).map((e) => Number(e.data.split(' ')[0]));
      for (let i = 1; i < got.length; i++) assert.ok(got[i]! > got[i - 1]!, 'in order, no duplicate');
      assert.ok(got.length < 2 * size - 1, 'some were trimmed before the replay reached them');
      stream.close();
    } finally {
      await s.close();
    }
  });

  it('two channels on one log act as two instances of an app: exact replay on either', async () => {
    const log = new MemoryLog();
    const a = await channelServer({ eventLog: log });
    const b = await channelServer({ eventLog: log });
    try {
      const onA = await openStream(a.url);
      const onB = await openStream(b.url);
      await joined(a.channel, 1);
      await joined(b.channel, 1);
      await a.channel.broadcast('from a');
      await b.channel.broadcast('from b');
      for (const stream of [onA, onB]) {
        await stream.waitFor(() => stream.events.length === 2, 'both events');
        assert.deepEqual(
          stream.events.map((e) => e.data),
          ['from a', 'from b'],
        );
      }
      // A client of instance A reconnects to instance B with its last event id.
      const lastSeen = onA.events[0]!.lastEventId;
      onA.close();
      await a.channel.broadcast('while away');
      const moved = await openStream(b.url, { 'last-event-id': lastSeen });
      await moved.waitFor(() => messages(moved).length === 2, 'the missed events');
      assert.deepEqual(
        messages(moved).map((e) => e.data),
        ['from b', 'while away'],
      );
      moved.close();
      onB.close();
    } finally {
      await a.close();
      await b.close();
      await log.close();
    }
  });

  it('a long replay yields to the event loop between pages, so one subscriber cannot hold the process', async () => {
    const s = await channelServer({
      history: { size: 20_000 },
      select: (session, entry) => session.state.user !== 'picky' || entry.topics.includes('rare'),
    });
    try {
      for (let i = 0; i < 20_000; i++) await s.channel.broadcast(String(i));
      const first = (await s.channel.eventLog!.earliest())!;
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 0);
      const stream = await openStream(`${s.url}/?user=picky`, { 'last-event-id': first.id });
      await joined(s.channel, 1);
      const session = s.sessions[0]!;
      const ticksAtStart = ticks;
      await until(() => !s.channel.isReplaying(session), 'the replay to end');
      clearInterval(ticker);
      // 40 pages of entries this subscriber does not want: pure matching work, no write to wait for.
      assert.ok(ticks - ticksAtStart >= 10, `the event loop ran ${ticks - ticksAtStart} times during the replay`);
      stream.close();
    } finally {
      await s.close();
    }
  });

  it('keeps no history with history: null', async () => {
    const s = await channelServer({ history: null });
    try {
      assert.equal(await s.channel.broadcast('no id'), '');
      const stream = await openStream(s.url, { 'last-event-id': 'anything' });
      await joined(s.channel, 1);
      await s.channel.broadcast('live');
      await stream.waitFor(() => stream.events.length === 1, 'the live event');
      assert.equal(stream.events[0]!.data, 'live');
      assert.equal(stream.raw, 'data: live\n\n');
      stream.close();
    } finally {
      await s.close();
    }
  });
});
