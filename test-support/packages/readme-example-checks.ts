// What each runnable README example (marked `<!-- readme-check: run (name) -->`) must do when it runs in a
// fresh project on the packed packages: what it prints, or what its server answers. Every marked block
// needs a check here and every check a marked block (packed-install.test.ts asserts both ways).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RedisServerProcess } from '../redis-server-process.ts';
import { loopbackServer, readStream } from './http-helpers.ts';
import type { RunningExample } from './run-example.ts';

export interface ExampleContext {
  /** Starts the example in a folder of its own. */
  start(options?: { env?: Record<string, string>; origins?: Record<string, string> }): RunningExample;
}

type Check = (context: ExampleContext) => Promise<void>;

const SSE = { headers: { accept: 'text/event-stream' } };

/** Runs `body` with the example started, and stops it afterwards whatever happened. */
async function withExample(
  context: ExampleContext,
  options: Parameters<ExampleContext['start']>[0],
  body: (example: RunningExample) => Promise<void>,
): Promise<void> {
  const example = context.start(options);
  try {
    await body(example);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${example.output()}`, { cause: error });
  } finally {
    await example.stop('SIGKILL');
  }
}

/** An example that runs to its end: exit code 0, nothing on stderr, and this stdout. */
async function runsToEnd(example: RunningExample, stdout: string): Promise<void> {
  assert.equal(await example.exitCode(), 0, example.output());
  assert.equal(example.stderr, '', example.output());
  assert.equal(example.stdout, stdout);
}

export const EXAMPLE_CHECKS: Readonly<Record<string, { readme: string; check: Check }>> = {
  'protocol-parse': {
    readme: 'packages/protocol/README.md',
    check: (context) => runsToEnd(context.start(), 'greet hello 1\nmessage wörld 1\n'),
  },

  'protocol-stream': {
    readme: 'packages/protocol/README.md',
    async check(context) {
      const server = await loopbackServer((_, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end('event: greet\ndata: hi\n\ndata: line one\ndata: line two\n\n');
      });
      try {
        await runsToEnd(
          context.start({ origins: { 'https://example.com': server.origin } }),
          'greet hi\nmessage line one\nline two\n',
        );
        assert.equal(server.requests[0]?.url, '/events');
        assert.equal(server.requests[0]?.headers.accept, 'text/event-stream');
      } finally {
        await server.close();
      }
    },
  },

  // It prints nothing: it passes when the package loads by name and the calls do not throw.
  'protocol-format': {
    readme: 'packages/protocol/README.md',
    check: (context) => runsToEnd(context.start(), ''),
  },

  'server-node-session': {
    readme: 'packages/server/README.md',
    check: (context) =>
      withExample(context, {}, async (example) => {
        const port = await example.port();
        const { response, text } = await readStream(`http://127.0.0.1:${port}/`, SSE, (t) =>
          /event: tick\ndata: .*\n\n/.test(t),
        );
        assert.equal(response.status, 200);
        assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
        assert.ok(text.startsWith('retry: 2000\n'), text);
        const data = /event: tick\ndata: (.*)\n/.exec(text)![1]!;
        assert.equal(typeof JSON.parse(data).time, 'number');
      }),
  },

  'server-channel': {
    readme: 'packages/server/README.md',
    check: (context) =>
      withExample(context, {}, async (example) => {
        const base = `http://127.0.0.1:${await example.port()}/`;
        const stream = readStream(base, SSE, (t) => /event: news\n/.test(t));
        stream.catch(() => {}); // awaited below
        await example.printed(/connections: 1\n/); // registered: a broadcast now reaches it
        const id = await fetch(base, { method: 'POST', body: 'Hello' }).then((r) => r.text());
        const { text } = await stream;
        assert.match(id, /^[0-9a-f-]{36}$/);
        assert.match(text, new RegExp(`id: ${id}\nevent: news\ndata: \\{"title":"Hello"\\}\n\n`));
        await example.printed(/connections: 0\n/); // the channel noticed the client leave
      }),
  },

  'server-polling': {
    readme: 'packages/server/README.md',
    check: (context) =>
      withExample(context, {}, async (example) => {
        const port = await example.port();
        const { text } = await readStream(`http://127.0.0.1:${port}/`, SSE, (t) => t.length >= 'retry: 500\n'.length);
        assert.ok(text.startsWith('retry: 500\n'), text);
      }),
  },

  'server-cors': {
    readme: 'packages/server/README.md',
    check: (context) =>
      withExample(context, {}, async (example) => {
        const url = `http://127.0.0.1:${await example.port()}/`;
        const allowed = await readStream(url, { headers: { ...SSE.headers, origin: 'https://app.example' } }, (t) =>
          t.includes('data: hello from another origin\n\n'),
        );
        assert.equal(allowed.response.headers.get('access-control-allow-origin'), 'https://app.example');
        assert.equal(allowed.response.headers.get('access-control-allow-credentials'), 'true');
        const other = await readStream(url, { headers: { ...SSE.headers, origin: 'https://other.example' } }, (t) =>
          t.includes('data: hello from another origin\n\n'),
        );
        assert.equal(other.response.headers.get('access-control-allow-origin'), null);
      }),
  },

  'client-event-source': {
    readme: 'packages/client/README.md',
    async check(context) {
      const server = await loopbackServer((_, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('id: 7\ndata: hi\n\nevent: price\ndata: {"symbol":"ACME","price":12.5}\n\n'); // and stays open
      });
      try {
        await withExample(context, { origins: { 'http://127.0.0.1:3000': server.origin } }, async (example) => {
          await example.printed(/price \{ symbol: 'ACME', price: 12\.5 \}\n/);
          // The origin is the URL's the example gave (the harness only moved where the request went).
          assert.equal(example.stdout, "open\nhi 7 http://127.0.0.1:3000\nprice { symbol: 'ACME', price: 12.5 }\n");
          assert.equal(server.requests[0]?.url, '/events');
        });
      } finally {
        await server.close();
      }
    },
  },

  'client-extras': {
    readme: 'packages/client/README.md',
    async check(context) {
      const server = await loopbackServer((_, res) => res.writeHead(401).end());
      try {
        const example = context.start({
          env: { FEED_TOKEN: 'token-1' },
          origins: { 'https://api.example.com': server.origin },
        });
        // On 401 it closes the source; the process then has nothing left to do and ends.
        await runsToEnd(example, '');
        assert.equal(server.requests.length, 1);
        assert.equal(server.requests[0]?.url, '/feed');
        assert.equal(server.requests[0]?.headers.authorization, 'Bearer token-1');
      } finally {
        await server.close();
      }
    },
  },

  'client-iterate': {
    readme: 'packages/client/README.md',
    async check(context) {
      const server = await loopbackServer((_, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end('event: token\ndata: {"text":"Hel"}\n\nevent: token\ndata: {"text":"lo"}\n\nevent: done\ndata: {}\n\n');
      });
      try {
        const example = context.start({
          env: { LLM_API_KEY: 'key-1' },
          origins: { 'https://llm.example.com': server.origin },
        });
        await runsToEnd(example, 'Hello');
        const [request] = server.requests;
        assert.equal(request?.method, 'POST');
        assert.equal(request?.url, '/v1/complete');
        assert.equal(request?.headers.authorization, 'Bearer key-1');
        assert.deepEqual(JSON.parse(request?.body ?? ''), { prompt: 'Say hello' });
      } finally {
        await server.close();
      }
    },
  },

  // import.meta.resolve throws when the export's file is missing from the package, so exit 0 means the
  // bundle is in the tarball where the export says.
  'client-browser-bundle': {
    readme: 'packages/client/README.md',
    check: (context) => runsToEnd(context.start(), ''),
  },

  'sqlite-channel': {
    readme: 'packages/sqlite/README.md',
    check: (context) =>
      withExample(context, {}, async (example) => {
        const port = await example.port();
        const { text } = await readStream(`http://127.0.0.1:${port}/`, SSE, (t) => /event: tick\ndata: .*\n\n/.test(t));
        assert.equal(typeof JSON.parse(/event: tick\ndata: (.*)\n/.exec(text)![1]!).time, 'number');
        assert.ok(existsSync(join(example.cwd, 'events.db')));
        // Its SIGTERM handler closes the log and exits 0.
        assert.deepEqual(await example.stop('SIGTERM'), { code: 0, signal: null });
      }),
  },

  'sqlite-on-its-own': {
    readme: 'packages/sqlite/README.md',
    check: (context) => runsToEnd(context.start(), 'appended 1 order-1042\n1 order-1042 {"status":"shipped"}\n'),
  },

  // On a redis-server of the test's own: the example's key prefix is fixed, so it must not share a Redis.
  'redis-channel': {
    readme: 'packages/redis/README.md',
    async check(context) {
      const redis = await RedisServerProcess.start();
      try {
        await withExample(context, { env: { REDIS_URL: redis.url } }, async (example) => {
          const port = await example.port();
          const { text } = await readStream(`http://127.0.0.1:${port}/`, SSE, (t) => /\ndata: .*\n\n/.test(t));
          const data = /\ndata: (.*)\n/.exec(text)![1]!;
          assert.ok(!Number.isNaN(Date.parse(data)), `an ISO date, got ${data}`);
        });
      } finally {
        await redis.dispose();
      }
    },
  },
};
