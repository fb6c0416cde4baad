// Properties that must hold for every input, checked on seeded random inputs (a failing seed is printed
// in the assertion message, so it can be replayed).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createParser, type EventFields, formatEvent, ProtocolError } from '@tidings/protocol';
import { bytes, collect, random, splitAtRandom } from './collect.ts';

const SEEDS = Array.from({ length: 200 }, (_, i) => i + 1);

/** A stream that uses every rule at once: BOM, all line ends, comments, ids, retry, multi-byte text. */
const CORPUS = [
  '\uFEFF: opening comment\r\n',
  'retry: 2500\n',
  'id: 1\revent: add\rdata: héllo\r\r',
  'data: line one\r\ndata:  two 𝄞\r\n\r\n',
  'event: ping\nid\n\n',
  ': 中文 comment\ndata\n\n',
  'id: a\u0000b\ndata: x: y\nunknown: z\n\n',
  'data: € end\n\ndata: unterminated',
].join('');

function summary(result: ReturnType<typeof collect>) {
  return { events: result.events, comments: result.comments, retries: result.retries, lastEventId: result.lastEventId };
}

describe('parser properties', () => {
  test('the corpus gives its expected events', () => {
    assert.deepEqual(summary(collect([CORPUS])), {
      events: [
        { event: 'add', data: 'héllo', lastEventId: '1' },
        { event: 'message', data: 'line one\n two 𝄞', lastEventId: '1' },
        { event: 'message', data: '', lastEventId: '' },
        { event: 'message', data: 'x: y', lastEventId: '' },
        { event: 'message', data: '€ end', lastEventId: '' },
      ],
      comments: ['opening comment', '中文 comment'],
      retries: [2500],
      lastEventId: '',
    });
  });

  test('fed character by character or byte by byte, the parser gives the same result', () => {
    const whole = summary(collect([CORPUS]));
    assert.deepEqual(summary(collect([...CORPUS])), whole, 'code point by code point');
    assert.deepEqual(summary(collect(CORPUS.split(''))), whole, 'UTF-16 unit by unit');
    const encoded = bytes(CORPUS);
    assert.deepEqual(summary(collect(Array.from(encoded, (b) => Uint8Array.of(b)))), whole, 'byte by byte');
  });

  test('split at random points, as text or as bytes, the parser gives the same result', () => {
    const whole = summary(collect([CORPUS]));
    const encoded = bytes(CORPUS);
    for (const seed of SEEDS) {
      const next = random(seed);
      const splits = 1 + Math.floor(next() * 30);
      assert.deepEqual(summary(collect(splitAtRandom(CORPUS, next, splits))), whole, `text, seed ${seed}`);
      assert.deepEqual(summary(collect(splitAtRandom(encoded, next, splits))), whole, `bytes, seed ${seed}`);
    }
  });
});

// Characters the round trip draws from: ASCII, separators the format cares about, multi-byte and astral.
const ALPHABET = [
  'a',
  'Z',
  '0',
  ' ',
  ':',
  'é',
  '中',
  '€',
  '𝄞',
  '😀',
  '\t',
  '\uFEFF',
  'data',
  'id:',
  '\r',
  '\n',
  '\r\n',
];

function randomText(next: () => number, maxLength: number, allowLineBreaks: boolean): string {
  let text = '';
  const length = Math.floor(next() * maxLength);
  for (let i = 0; i < length; i++) {
    const piece = ALPHABET[Math.floor(next() * ALPHABET.length)] ?? 'a';
    if (!allowLineBreaks && (piece.includes('\r') || piece.includes('\n'))) continue;
    text += piece;
  }
  return text;
}

describe('round trip', () => {
  test('random events, serialized then parsed at random splits, come back identical', () => {
    for (const seed of SEEDS) {
      const next = random(seed);
      const sent: EventFields[] = [];
      const expected: { event: string; data: string; lastEventId: string }[] = [];
      let lastEventId = '';
      const count = 1 + Math.floor(next() * 12);
      for (let i = 0; i < count; i++) {
        const fields: EventFields = { data: randomText(next, 40, true) };
        if (next() < 0.6) fields.event = randomText(next, 12, false);
        if (next() < 0.6) fields.id = randomText(next, 12, false);
        if (next() < 0.2) fields.retry = Math.floor(next() * 10000);
        sent.push(fields);
        if (fields.id !== undefined) lastEventId = fields.id;
        // The format has no way to carry CR: every line end arrives as LF.
        const data = (fields.data ?? '').replace(/\r\n|\r/g, '\n');
        expected.push({ event: fields.event ? fields.event : 'message', data, lastEventId });
      }
      const stream = sent.map(formatEvent).join('');
      const splits = Math.floor(next() * 20);
      assert.deepEqual(collect(splitAtRandom(stream, next, splits)).events, expected, `text, seed ${seed}`);
      assert.deepEqual(collect(splitAtRandom(bytes(stream), next, splits)).events, expected, `bytes, seed ${seed}`);
    }
  });
});

describe('random bytes', () => {
  // Bytes biased towards what the parser branches on, so random input reaches every path.
  const INTERESTING = [0x0a, 0x0d, 0x3a, 0x20, 0x00, 0xef, 0xbb, 0xbf, 0xff, 0xc3, ...bytes('dataeventidretry')];

  test('never throw anything but its documented errors and never hold more than the limits', () => {
    const maxLineLength = 64;
    const maxEventLength = 128;
    for (const seed of SEEDS) {
      const next = random(seed);
      const input = new Uint8Array(2000 + Math.floor(next() * 4000));
      for (let i = 0; i < input.length; i++) {
        input[i] =
          next() < 0.5 ? (INTERESTING[Math.floor(next() * INTERESTING.length)] ?? 0) : Math.floor(next() * 256);
      }
      const errors: unknown[] = [];
      const parser = createParser(
        { onEvent: () => {}, onComment: () => {}, onRetry: () => {}, onError: (error) => errors.push(error) },
        { maxLineLength, maxEventLength },
      );
      let held = 0;
      for (const chunk of splitAtRandom(input, next, 50)) {
        parser.feed(chunk);
        held = Math.max(held, parser.bufferedLength);
      }
      assert.ok(held <= maxLineLength + maxEventLength, `seed ${seed}: held ${held}`);
      for (const error of errors) assert.ok(error instanceof ProtocolError, `seed ${seed}: ${String(error)}`);
    }
  });

  test('a long run of bytes without a line end is dropped, not buffered', () => {
    const errors: string[] = [];
    const parser = createParser(
      { onEvent: () => {}, onError: (error) => errors.push(error.code) },
      { maxLineLength: 1000 },
    );
    const chunk = new Uint8Array(4096).fill(0x61);
    for (let i = 0; i < 256; i++) {
      parser.feed(chunk); // 1 MiB in all
      assert.ok(parser.bufferedLength <= 1000);
    }
    assert.deepEqual(errors, ['LINE_TOO_LONG']);
  });
});
