// `tidings hub --store sqlite:PATH`: every update that got a 200 survives a SIGKILL of the hub, and a
// subscriber of the killed hub resumes on the restarted one with no gap and no duplicate.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { KEY, type RunningHub, startHub } from './support/hub-process.ts';
import { PUBLISH_ALL, publish, subscribe, token, url } from './support/sse.ts';

const folder = mkdtempSync(join(tmpdir(), 'tidings-hub-sqlite-'));
after(() => rmSync(folder, { recursive: true, force: true }));
const publisher = token(PUBLISH_ALL);

const start = (file: string) => startHub(['--jwt-key', KEY, '--anonymous', '--store', `sqlite:${file}`]);

test('a hub killed with SIGKILL and restarted on the same file replays everything it acknowledged', async () => {
  const file = join(folder, 'hub.db');
  const topic = 'urn:sqlite:kill';
  let hub: RunningHub = await start(file);
  const acknowledged: string[] = [];
  try {
    const live = await subscribe(url(hub.hubUrl, [['topic', topic]]));
    // Publishers race the kill: whatever got a 200 must be there after the restart.
    let publishing = true;
    const publishers = [0, 1, 2].map(async (n) => {
      for (let i = 0; publishing; i++) {
        const answer = await publish(
          hub.hubUrl,
          [
            ['topic', topic],
            ['data', `${n}-${i}`],
          ],
          { token: publisher },
        ).catch(() => null);
        if (answer === null) return;
        if (answer.status === 200) acknowledged.push(answer.body);
      }
    });
    await live.waitForEvents(30);
    hub.child.kill('SIGKILL');
    await hub.stop();
    publishing = false;
    await Promise.all(publishers);
    const seenBeforeKill = live.events.map((e) => e.lastEventId);
    live.close();

    hub = await start(file);
    const all = await subscribe(
      url(hub.hubUrl, [
        ['topic', topic],
        ['lastEventID', 'earliest'],
      ]),
    );
    await all.waitFor(
      () => acknowledged.every((id) => all.events.some((e) => e.lastEventId === id)),
      'every acknowledged update after the restart',
    );
    const stored = all.events.filter((e) => e.event !== 'tidings-replay').map((e) => e.lastEventId);
    all.close();

    // The subscriber of the killed hub resumes from the last id it saw: the rest, no gap, no duplicate.
    const lastSeen = seenBeforeKill.at(-1)!;
    const resumed = await subscribe(url(hub.hubUrl, [['topic', topic]]), { 'last-event-id': lastSeen });
    assert.equal(resumed.headers.get('last-event-id'), lastSeen);
    const rest = stored.slice(stored.indexOf(lastSeen) + 1);
    await resumed.waitFor(() => resumed.events.length === rest.length + 1, 'the rest');
    assert.deepEqual(
      resumed.events.slice(1).map((e) => e.lastEventId),
      rest,
    );
    assert.deepEqual(stored.slice(0, seenBeforeKill.length), seenBeforeKill, 'the same order as before the kill');
    const sent = await publish(
      hub.hubUrl,
      [
        ['topic', topic],
        ['data', 'after restart'],
      ],
      { token: publisher },
    );
    assert.equal(sent.status, 200);
    await resumed.waitFor(() => resumed.events.at(-1)?.data === 'after restart', 'the live update');
    resumed.close();
  } finally {
    await hub.stop();
  }
});
