// Credentials never follow a redirect to another origin (CVE-2022-1650 class). Two local servers on
// different ports are two origins.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EventSource } from '../src/index.ts';
import { logEvents } from './support/event-log.ts';
import { EVENT_STREAM, respond, startServer, type TestServer } from './support/test-server.ts';
import { waitFor } from './support/wait.ts';

const SECRETS = { authorization: 'Bearer secret-token', cookie: 'session=secret', 'proxy-authorization': 'Basic x' };

async function streamServer(): Promise<TestServer> {
  return startServer((_req, res) => respond(res, 'data: ok\n\n'));
}

async function redirectServer(status: number, location: (path: string) => string): Promise<TestServer> {
  return startServer((req, res) => {
    if (req.path.startsWith('/final')) {
      respond(res, 'data: ok\n\n');
      return;
    }
    res.writeHead(status, { location: location(req.path) });
    res.end();
  });
}

async function run(url: string, options: ConstructorParameters<typeof EventSource>[1]): Promise<MessageEvent[]> {
  const source = new EventSource(url, { reconnect: null, ...options });
  try {
    const logged = logEvents(source);
    await waitFor(() => source.readyState === EventSource.CLOSED, 'the end');
    return logged.messages;
  } finally {
    source.close();
  }
}

describe('credentials and redirects', () => {
  test('Authorization, Cookie and Proxy-Authorization are dropped on a redirect to another origin', async () => {
    const other = await streamServer();
    const first = await redirectServer(307, () => other.url('/elsewhere'));
    try {
      const messages = await run(first.url('/start'), { headers: { ...SECRETS, 'x-trace': 't1' } });
      assert.equal(messages[0]?.data, 'ok');
      assert.equal(first.requests[0]?.headers.authorization, SECRETS.authorization);
      const seen = other.requests[0]?.headers;
      assert.equal(seen?.authorization, undefined);
      assert.equal(seen?.cookie, undefined);
      assert.equal(seen?.['proxy-authorization'], undefined);
      assert.equal(seen?.['x-trace'], 't1', 'other headers still go');
      assert.equal(seen?.accept, 'text/event-stream');
    } finally {
      await Promise.all([first.close(), other.close()]);
    }
  });

  test('a redirect within the same origin keeps them', async () => {
    const server = await redirectServer(302, () => '/final');
    try {
      await run(server.url('/start'), { headers: SECRETS });
      assert.equal(server.requests[1]?.path, '/final');
      assert.equal(server.requests[1]?.headers.authorization, SECRETS.authorization);
      assert.equal(server.requests[1]?.headers.cookie, SECRETS.cookie);
    } finally {
      await server.close();
    }
  });

  test('once dropped they stay dropped, even when a later redirect comes back to the first origin', async () => {
    let back = '';
    const other = await startServer((_req, res) => {
      res.writeHead(302, { location: back });
      res.end();
    });
    const first = await redirectServer(302, () => other.url('/bounce'));
    back = first.url('/final');
    try {
      const messages = await run(first.url('/start'), { headers: SECRETS });
      assert.equal(messages[0]?.data, 'ok');
      assert.equal(messages[0]?.origin, first.origin);
      assert.equal(first.requests[1]?.path, '/final');
      assert.equal(first.requests[1]?.headers.authorization, undefined);
    } finally {
      await Promise.all([first.close(), other.close()]);
    }
  });

  test('a headers function gets the same treatment', async () => {
    const other = await streamServer();
    const first = await redirectServer(308, () => other.url('/x'));
    try {
      await run(first.url('/start'), { headers: () => SECRETS });
      assert.equal(other.requests[0]?.headers.authorization, undefined);
    } finally {
      await Promise.all([first.close(), other.close()]);
    }
  });
});

describe('methods and bodies across redirects', () => {
  test('303 turns a POST into a GET without body or body headers', async () => {
    const server = await redirectServer(303, () => '/final');
    try {
      await run(server.url('/start'), {
        method: 'POST',
        body: '{"a":1}',
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(server.requests[0]?.method, 'POST');
      assert.equal(server.requests[0]?.body, '{"a":1}');
      assert.equal(server.requests[1]?.method, 'GET');
      assert.equal(server.requests[1]?.body, '');
      assert.equal(server.requests[1]?.headers['content-type'], undefined);
    } finally {
      await server.close();
    }
  });

  test('307 and 308 keep the method and the body', async () => {
    for (const status of [307, 308]) {
      const server = await redirectServer(status, () => '/final');
      try {
        await run(server.url('/start'), { method: 'POST', body: 'payload' });
        assert.equal(server.requests[1]?.method, 'POST');
        assert.equal(server.requests[1]?.body, 'payload');
      } finally {
        await server.close();
      }
    }
  });
});

describe('with a fetch that would keep credentials', () => {
  test('the client follows redirects itself, so even such a fetch never sends them to the other origin', async () => {
    const calls: { url: string; redirect: RequestRedirect | undefined; authorization: string | null }[] = [];
    const leakyFetch = async (url: string, init: RequestInit): Promise<Response> => {
      calls.push({ url, redirect: init.redirect, authorization: new Headers(init.headers).get('authorization') });
      if (url.startsWith('http://first.test/')) {
        return new Response(null, { status: 302, headers: { location: 'http://second.test/stream' } });
      }
      return new Response('data: ok\n\n', { status: 200, headers: EVENT_STREAM });
    };
    const messages = await run('http://first.test/start', { fetch: leakyFetch, headers: SECRETS });
    assert.deepEqual(calls, [
      { url: 'http://first.test/start', redirect: 'manual', authorization: SECRETS.authorization },
      { url: 'http://second.test/stream', redirect: 'manual', authorization: null },
    ]);
    assert.equal(messages[0]?.origin, 'http://second.test');
  });
});
