// Two `tidings hub` processes on a redis-server of the test's own, which the test kills and restarts
// (never the machine's Redis): publishes get 503 promptly and are never delivered later, /healthz says
// 503, the processes and their subscribers stay, and both nodes recover by themselves.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RedisServerProcess } from '../../../test-support/redis-server-process.ts';
import { KEY, type RunningHub, startHub } from './support/hub-process.ts';
import { PUBLISH_ALL, publish, subscribe, token, url } from './support/sse.ts';

const publisher = token(PUBLISH_ALL);
let redis: RedisServerProcess;
before(async () => {
  redis = await RedisServerProcess.start();
});
after(async () => {
  await redis.dispose();
});

async function waitUntil(predicate: () => Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const healthStatus = async (hub: RunningHub) => (await fetch(`${hub.url}/healthz`)).status;

test('Redis stops: 503 promptly, never delivered later, /healthz 503; Redis returns: both nodes recover', async () => {
  const store = `${redis.url}?prefix=faults:`;
  const hubs = await Promise.all([0, 1].map(() => startHub(['--jwt-key', KEY, '--anonymous', '--store', store])));
  const [a, b] = hubs as [RunningHub, RunningHub];
  try {
    const topic = 'urn:faults';
    const onB = await subscribe(url(b.hubUrl, [['topic', topic]]));
    const first = await publish(
      a.hubUrl,
      [
        ['topic', topic],
        ['data', 'before'],
      ],
      { token: publisher },
    );
    assert.equal(first.status, 200);
    await onB.waitForEvents(1);

    await redis.kill();
    const started = performance.now();
    const refused = await publish(
      a.hubUrl,
      [
        ['topic', topic],
        ['data', 'while down'],
      ],
      { token: publisher },
    );
    const took = performance.now() - started;
    assert.equal(refused.status, 503, refused.body);
    assert.match(refused.body, /event log is unavailable/);
    assert.ok(took < 5_000, `answered in ${Math.round(took)} ms, not a hanging request`);
    await waitUntil(async () => (await healthStatus(a)) === 503 && (await healthStatus(b)) === 503, '/healthz 503');
    assert.match(await (await fetch(`${a.url}/healthz`)).text(), /event log is down/);
    // The subscriber is still connected, and was told the hub is degraded.
    await onB.waitFor(() => onB.comments.some((c) => c.includes('degraded')), 'the degraded notice');
    assert.equal(a.child.exitCode, null);
    assert.equal(b.child.exitCode, null);

    await redis.start();
    await waitUntil(async () => (await healthStatus(a)) === 200 && (await healthStatus(b)) === 200, '/healthz 200');
    let after: Awaited<ReturnType<typeof publish>> | undefined;
    await waitUntil(async () => {
      after = await publish(
        a.hubUrl,
        [
          ['topic', topic],
          ['data', 'after'],
        ],
        { token: publisher },
      );
      return after.status === 200;
    }, 'a publish to succeed again');
    await onB.waitFor(() => onB.events.some((e) => e.data === 'after'), 'the update after recovery');
    assert.deepEqual(
      onB.events.map((e) => e.data),
      ['before', 'after'],
      'the update answered 503 was never delivered',
    );
    const metrics = await (await fetch(`${a.url}/metrics`)).text();
    assert.ok(Number(/^tidings_log_errors_total (\d+)/m.exec(metrics)![1]) >= 1);
    onB.close();
  } finally {
    await Promise.all(hubs.map((hub) => hub.stop()));
  }
});

test('a hub whose Redis is unreachable at start runs degraded, and never prints the password', async () => {
  const down = await RedisServerProcess.start();
  const port = down.port;
  await down.dispose();
  const hub = await startHub(['--jwt-key', KEY, '--store', `redis://:hunter2-secret@127.0.0.1:${port}/0`]);
  try {
    await waitUntil(async () => (await healthStatus(hub)) === 503, '/healthz 503');
    const refused = await publish(
      hub.hubUrl,
      [
        ['topic', 'urn:x'],
        ['data', 'x'],
      ],
      { token: publisher },
    );
    assert.equal(refused.status, 503);
    assert.ok(!hub.output().includes('hunter2'), 'no password in the output');
    assert.ok(!(await (await fetch(`${hub.url}/healthz`)).text()).includes('hunter2'));
  } finally {
    await hub.stop();
  }
});
