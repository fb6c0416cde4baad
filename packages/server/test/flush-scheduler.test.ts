// The flush scheduler: one flush per session per rotation, FLUSH_SLICE sessions per turn of the event
// loop, so that requests are read between slices and what they bring joins the queues still waiting.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { scheduleFlush } from '../src/flush-scheduler.ts';
import { FLUSH_SLICE } from '../src/limits.ts';

it('flushes FLUSH_SLICE sessions per turn, in the order they were scheduled, each once', async () => {
  const ran: number[] = [];
  const flushes = Array.from({ length: FLUSH_SLICE * 2 + 10 }, (_, i) => () => void ran.push(i));
  for (const flush of flushes) {
    scheduleFlush(flush);
    scheduleFlush(flush); // scheduled twice before it ran: still one flush
  }
  assert.equal(ran.length, 0, 'nothing is flushed in the turn that scheduled it');
  await nextTurn();
  assert.equal(ran.length, FLUSH_SLICE, 'one slice in the first turn');
  await nextTurn();
  assert.equal(ran.length, FLUSH_SLICE * 2);
  await nextTurn();
  assert.deepEqual(
    ran,
    flushes.map((_, i) => i),
  );
});

it('a session given more while it waits keeps its place; one already flushed goes to the back', async () => {
  const ran: string[] = [];
  const flush = (name: string) => () => void ran.push(name);
  const first = flush('first');
  const filler = Array.from({ length: FLUSH_SLICE - 1 }, () => flush('filler'));
  const waiting = flush('waiting');
  const late = flush('late');
  scheduleFlush(first);
  for (const f of filler) scheduleFlush(f);
  scheduleFlush(waiting);
  await nextTurn(); // the first slice: first and the fillers
  assert.deepEqual(ran.slice(0, 1), ['first']);
  assert.equal(ran.length, FLUSH_SLICE);
  // Between slices (a publish being read): `first` has more to send, `waiting` too, and a new session.
  scheduleFlush(late);
  scheduleFlush(first);
  scheduleFlush(waiting);
  await nextTurn();
  assert.deepEqual(ran.slice(FLUSH_SLICE), ['waiting', 'late', 'first']);
});
