// The parser beside a literal, slow reading of the standard ("Interpreting an event stream"), on random
// streams: the parser's shortcuts (the LF-only loop, one-line events dispatched without the data buffer,
// fields matched on the chunk) must never change what comes out.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { collect, random, splitAtRandom } from './collect.ts';
import { readAsTheStandardSays } from './reference.ts';

// Lines chosen to hit every branch: the fast fields with and without a space or a value, the same names
// without a colon or with a longer name, comments, retry, unknown fields, NUL in an id, wide characters.
const LINES = [
  'data: x',
  'data:y',
  'data:  two spaces',
  'data:',
  'data',
  'data: a: b',
  'datum: no',
  'dat',
  'event: add',
  'event:',
  'event',
  'events: no',
  'id: 7',
  'id:',
  'id',
  'id: a\u0000b',
  'ids: no',
  'retry: 1500',
  'retry: 1.5',
  'retry',
  ': a comment',
  ':',
  '::',
  'unknown: z',
  'data: é€😀',
  ' data: leading space',
];
const LINE_ENDS = ['\n', '\n', '\n', '\r\n', '\r'];

function randomStream(next: () => number): string {
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] as T;
  let stream = next() < 0.1 ? '\uFEFF' : '';
  const lineCount = 1 + Math.floor(next() * 60);
  for (let i = 0; i < lineCount; i++) {
    // Blank lines often, so that many events are dispatched, and often right after one data line.
    stream += (next() < 0.3 ? '' : pick(LINES)) + pick(LINE_ENDS);
  }
  if (next() < 0.3) stream += pick(LINES); // an unfinished last line
  return stream;
}

describe('parser against a literal reading of the standard', () => {
  test('300 random streams give the same events, comments, retries and last event id, whole or split', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const next = random(seed);
      const stream = randomStream(next);
      const expected = readAsTheStandardSays(stream);
      for (const chunks of [[stream], splitAtRandom(stream, next, 1 + Math.floor(next() * 10))]) {
        const { events, comments, retries, lastEventId } = collect(chunks);
        assert.deepEqual(
          { events, comments, retries, lastEventId },
          expected,
          `seed ${seed}, ${chunks.length} chunk(s): ${JSON.stringify(stream)}`,
        );
      }
    }
  });
});
