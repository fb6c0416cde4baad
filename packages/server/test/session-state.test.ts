// `Session.state` takes the application's type: given once to createSession, it types the channel's
// `select` and every session the channel hands back (checked by the type check of the tests, and run).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createChannel, type Session } from '@tidings/server';
import { createSession } from '@tidings/server/node';
import { listen, openStream, until } from './helpers.ts';

interface Viewer {
  user?: string | undefined;
}

test('a typed state: createSession<State> and createChannel<State> agree, and select reads it', async () => {
  const channel = createChannel<Viewer>({
    history: null,
    select: (session, entry) => entry.topics.length === 0 || entry.topics.includes(`user:${session.state.user}`),
  });
  const sessions: Session<Viewer>[] = [];
  const server = await listen((req, res) => {
    const session = createSession<Viewer>(req, res, { keepAlive: null, retry: null });
    if (session === null) return;
    session.state.user = new URL(req.url ?? '/', 'http://x').searchParams.get('user') ?? undefined;
    sessions.push(session);
    channel.register(session);
  });
  try {
    const ann = await openStream(`${server.url}/?user=ann`);
    const bob = await openStream(`${server.url}/?user=bob`);
    await until(() => sessions.length === 2, 'both sessions');
    channel.broadcast('for ann', { topics: ['user:ann'] });
    channel.broadcast('for all');
    await until(() => ann.events.length === 2 && bob.events.length === 1, 'the events');
    assert.deepEqual(
      ann.events.map((event) => event.data),
      ['for ann', 'for all'],
    );
    assert.deepEqual(
      bob.events.map((event) => event.data),
      ['for all'],
    );
    assert.deepEqual(
      [...channel.sessions].map((session) => session.state.user),
      ['ann', 'bob'],
    );
    ann.close();
    bob.close();
  } finally {
    await channel.close();
    await server.close();
  }
});
