// @tidings/protocol and @tidings/client in real Deno and Bun: each runtime runs scripts/run-checks.mjs
// (plain ESM importing the built packages by file path) against a real node:http SSE server, and this
// test asserts on the JSON each check prints, on what the server received, and on the exit code.
// A missing runtime binary fails these tests; it never skips them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildPackages } from './build-packages.ts';
import { type CheckResult, type RuntimeRun, runRuntimeChecks } from './run-runtime-checks.ts';
import { type RuntimeName, runtimeCommand } from './runtime-commands.ts';
import { EXPECTED } from './scripts/protocol-cases.mjs';
import { type RuntimeSseServer, startRuntimeSseServer } from './sse-server.ts';

const RUNTIMES: RuntimeName[] = ['deno', 'bun'];

let server: RuntimeSseServer;
/** Settled runs (an error is kept, not thrown, until a test asks for it: no unhandled rejection). */
const runs = new Map<RuntimeName, Promise<{ run: RuntimeRun } | { error: unknown }>>();

before(async () => {
  await buildPackages();
  server = await startRuntimeSseServer();
  // Both runtimes at once, against the one server: each uses its own `client` name.
  for (const name of RUNTIMES) {
    const settled = (async () => runRuntimeChecks(runtimeCommand(name), server.url, name))().then(
      (run) => ({ run }),
      (error: unknown) => ({ error }),
    );
    runs.set(name, settled);
  }
});

after(async () => {
  await Promise.all(runs.values());
  await server?.close();
});

async function runOf(name: RuntimeName): Promise<RuntimeRun> {
  const settled = await runs.get(name);
  assert.ok(settled, `${name} was not started`);
  if ('error' in settled) throw settled.error;
  return settled.run;
}

function output(run: RuntimeRun): string {
  return `exit code ${run.exitCode}, signal ${run.signal}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
}

/** The check's line, which must have run without throwing and match what its script expected. */
async function passedCheck(name: RuntimeName, check: string): Promise<CheckResult> {
  const run = await runOf(name);
  const result = run.results.get(check);
  assert.ok(result, `${name} printed no result for ${check}:\n${output(run)}`);
  assert.equal(result.error, undefined, `${check} threw in ${name}:\n${result.error}`);
  assert.deepEqual(result.actual, result.expected, `${check} in ${name}`);
  assert.equal(result.pass, true, `${name}'s own comparison of ${check} failed`);
  return result;
}

function requestsOf(client: RuntimeName, path: string) {
  return server.requests.filter((request) => request.client === client && request.path === path);
}

for (const name of RUNTIMES) {
  describe(`in ${name}`, () => {
    test('the script really ran in this runtime, printed every check and exited 0', async (t) => {
      const run = await runOf(name);
      const runtime = run.results.get('runtime')?.actual as { name: string; version: string } | undefined;
      assert.equal(runtime?.name, name, output(run));
      t.diagnostic(`${name} ${runtime?.version}`);
      assert.deepEqual(
        [...run.results.keys()],
        ['runtime', 'protocol-parse', 'protocol-format', 'event-source', 'iterate'],
        output(run),
      );
      assert.equal(run.signal, null, `${name} was killed (timeout?):\n${output(run)}`);
      assert.equal(run.exitCode, 0, output(run));
    });

    test('protocol: the parser gives the expected events for every rule, however the bytes are cut', async () => {
      const result = await passedCheck(name, 'protocol-parse');
      // Compared with the shared cases here too, not only with what the script said it expected.
      assert.deepEqual(result.actual, { asOneString: EXPECTED, asTrickyChunks: EXPECTED, asSingleBytes: EXPECTED });
    });

    test('protocol: formatEvent refuses CR, LF and CRLF in an id with FIELD_INJECTION', async () => {
      const result = await passedCheck(name, 'protocol-format');
      const actual = result.actual as Record<string, unknown>;
      for (const lineBreak of ['lf', 'cr', 'crlf']) {
        assert.deepEqual(actual[lineBreak], { threw: 'ProtocolError', code: 'FIELD_INJECTION', isProtocolError: true });
      }
    });

    test('client: EventSource opens, dispatches, reconnects with Last-Event-ID and closes', async () => {
      await passedCheck(name, 'event-source');
      const requests = requestsOf(name, '/events');
      assert.deepEqual(
        requests.map(({ accept, cacheControl, lastEventId }) => ({ accept, cacheControl, lastEventId })),
        [
          { accept: 'text/event-stream', cacheControl: 'no-cache', lastEventId: null },
          { accept: 'text/event-stream', cacheControl: 'no-cache', lastEventId: '2' },
        ],
        'exactly two connections: the first without Last-Event-ID, the reconnection with it, none after close()',
      );
    });

    test('client: iterate() reads three events and ends when the signal aborts', async () => {
      await passedCheck(name, 'iterate');
      assert.equal(requestsOf(name, '/three').length, 1, 'one connection, no reconnection after the abort');
    });
  });
}
