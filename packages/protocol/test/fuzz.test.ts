// Fuzzing the parser and the serializer with fast-check: arbitrary text and bytes, biased toward what the
// parser branches on, split at arbitrary points, compared with a literal reading of the standard.
//
//   node scripts/test.mjs packages/protocol/test/fuzz.test.ts                 the short run (CI)
//   FUZZ_RUNS=100000 FUZZ_SECONDS=12 node scripts/test.mjs packages/protocol/test/fuzz.test.ts  (11 properties,
//   each for 12 s: a file must end within the 180 s timeout of scripts/test.mjs)
//   FUZZ_SEED=<seed printed by a failure> node scripts/test.mjs packages/protocol/test/fuzz.test.ts
//
// FUZZ_RUNS: runs per property (default 200); FUZZ_SECONDS: time budget per property (default none);
// FUZZ_SEED: the seed of a failing run, which replays it. scripts/fuzz.mjs runs the long version.
import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import {
  createParser,
  type EventFields,
  formatComment,
  formatEvent,
  type ParsedEvent,
  ProtocolError,
} from '@tidings/protocol';
import { EventStreamParserStream } from '@tidings/protocol/stream';
import fc from 'fast-check';
import { checkProperty, FUZZ_TEST_OPTIONS } from '../../../test-support/fuzz-check.ts';
import { collect, splitAtPositions } from './collect.ts';
import { type Outcome, readAsTheStandardSays } from './reference.ts';

const FILE = 'packages/protocol/test/fuzz.test.ts';
/** Runs a property 200 times (or as FUZZ_RUNS, FUZZ_SECONDS and FUZZ_SEED say: see fuzz-check.ts). */
const check = <T>(t: TestContext, property: fc.IProperty<T> | fc.IAsyncProperty<T>) =>
  checkProperty(t, FILE, 200, property);

// ---- The reference ----

/**
 * The longest line (the unfinished last one too) and the largest data buffer of a stream: the smallest
 * limits that drop nothing. The data buffer is the standard's: each `data:` value and an LF, of one event,
 * at any point (dispatched or not), which is what `maxEventLength` bounds.
 */
function largestBuffers(stream: string): { line: number; data: number } {
  const text = stream.startsWith('\uFEFF') ? stream.slice(1) : stream;
  const lines = text.split(/\r\n|\r|\n/);
  const unfinished = lines.pop() ?? '';
  let line = unfinished.length;
  let data = 0;
  let buffer = 0;
  for (const current of lines) {
    line = Math.max(line, current.length);
    if (current === '') buffer = 0;
    else {
      const colon = current.indexOf(':');
      if ((colon === -1 ? current : current.slice(0, colon)) !== 'data') continue;
      const value = colon === -1 ? '' : current.slice(colon + 1).replace(/^ /, '');
      buffer += value.length + 1;
      data = Math.max(data, buffer);
    }
  }
  return { line, data };
}

// ---- Generators ----

// Pieces of text the parser branches on: line ends, colon, space, BOM, NUL, field names with and without
// their colon, digits for retry, multi-byte and astral characters, a lone surrogate.
const TEXT_PIECES = [
  '\n',
  '\n',
  '\r',
  '\r\n',
  '\n\n',
  ':',
  ' ',
  ': ',
  '\uFEFF',
  '\0',
  'data',
  'data:',
  'data: ',
  'id',
  'id:',
  'id: ',
  'event',
  'event:',
  'retry',
  'retry:',
  'retry: ',
  '0',
  '1500',
  'message',
  'é',
  '€',
  '中',
  '😀',
  '\uD800',
  '\uDC00',
  'x',
];

const textPiece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...TEXT_PIECES) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 3 }) },
  // Any UTF-16 code unit, so lone surrogates and every control character come up too.
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)) },
);
// Whole lines as well, so that random input is made of events often enough: a field name (known, near
// miss, comment, none), a separator, a value of pieces, and one or two line ends.
const FIELD_NAMES = ['data', 'data', 'data', 'id', 'event', 'retry', '', 'dat', 'datas', 'data ', ' data', 'x'];
const SEPARATORS = [':', ': ', '', ':  ', '::'];
const LINE_ENDS = ['\n', '\n', '\r\n', '\r', '\n\n', '\r\n\r\n', '\r\r'];
const line = fc
  .tuple(
    fc.constantFrom(...FIELD_NAMES),
    fc.constantFrom(...SEPARATORS),
    fc.array(textPiece, { maxLength: 6 }),
    fc.constantFrom(...LINE_ENDS),
  )
  .map(([name, separator, value, end]) => `${name}${separator}${value.join('')}${end}`);
const STREAM_SIZE = { maxLength: 200, size: 'medium' } as const;
const streamText = fc
  .array(fc.oneof({ weight: 2, arbitrary: line }, { weight: 1, arbitrary: textPiece }), STREAM_SIZE)
  .map((pieces) => pieces.join(''));

const encoder = new TextEncoder();
// Byte sequences: the encoded pieces, and UTF-8 that is broken in each way a decoder must handle: a lone
// continuation byte, truncated two-, three- and four-byte sequences, an encoded surrogate, an overlong
// form, bytes that never occur (0xC0, 0xF5-0xFF).
const BYTE_PIECES = [
  ...TEXT_PIECES.filter((piece) => !/[\uD800-\uDFFF]/.test(piece)).map((piece) => encoder.encode(piece)),
  Uint8Array.of(0x80),
  Uint8Array.of(0xc3),
  Uint8Array.of(0xe2, 0x82),
  Uint8Array.of(0xf0, 0x9f, 0x98),
  Uint8Array.of(0xed, 0xa0, 0x80),
  Uint8Array.of(0xc0, 0xaf),
  Uint8Array.of(0xc0),
  Uint8Array.of(0xf5),
  Uint8Array.of(0xff),
  Uint8Array.of(0xef, 0xbb, 0xbf),
  Uint8Array.of(0xef, 0xbb),
];
const bytePiece = fc.oneof(
  { weight: 4, arbitrary: line.map((text) => encoder.encode(text)) },
  { weight: 6, arbitrary: fc.constantFrom(...BYTE_PIECES) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 4 }) },
);
const streamBytes = fc.array(bytePiece, STREAM_SIZE).map((pieces) => {
  const out = new Uint8Array(pieces.reduce((sum, piece) => sum + piece.length, 0));
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
});

/** `maxLineLength` and `maxEventLength` small enough that generated streams pass them often. */
const smallLineLimit = fc.integer({ min: 1, max: 40 });
const smallEventLimit = fc.integer({ min: 1, max: 80 });

/** Split points, as arbitrary numbers reduced to positions in the input (so shrinking moves them). */
const splitPoints = fc.array(fc.nat(), { maxLength: 24 });

function splitAt<T extends string | Uint8Array>(input: T, points: number[]): T[] {
  return splitAtPositions(
    input,
    points.map((point) => point % (input.length + 1)),
  );
}

function outcome(chunks: Iterable<string | Uint8Array>): Outcome & { errors: string[] } {
  const { events, comments, retries, lastEventId, errors } = collect(chunks);
  return { events, comments, retries, lastEventId, errors: errors.map((error) => error.code) };
}

/**
 * What the reference reads from bytes: the whole input decoded at once, as UTF-8 with U+FFFD for errors. A
 * sequence cut short at the very end is held back, as the parser holds it waiting for the next chunk (it
 * belongs to the unfinished last line, which is never dispatched either way).
 */
const decodeWhole = (bytes: Uint8Array) =>
  new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes, { stream: true });

// ---- Parser ----

describe('fuzz: the parser against the reference', () => {
  test('arbitrary text split at arbitrary points gives what the standard says', FUZZ_TEST_OPTIONS, async (t) => {
    await check(
      t,
      fc.property(streamText, splitPoints, (text, points) => {
        assert.deepEqual(outcome(splitAt(text, points)), { ...readAsTheStandardSays(text), errors: [] });
      }),
    );
  });

  test(
    'arbitrary bytes (invalid UTF-8 too) split at arbitrary points give what the standard says',
    FUZZ_TEST_OPTIONS,
    async (t) => {
      await check(
        t,
        fc.property(streamBytes, splitPoints, (bytes, points) => {
          assert.deepEqual(outcome(splitAt(bytes, points)), {
            ...readAsTheStandardSays(decodeWhole(bytes)),
            errors: [],
          });
        }),
      );
    },
  );

  test('fed byte by byte, arbitrary bytes give the same as fed whole', FUZZ_TEST_OPTIONS, async (t) => {
    await check(
      t,
      fc.property(streamBytes, (bytes) => {
        assert.deepEqual(outcome(Array.from(bytes, (byte) => Uint8Array.of(byte))), outcome([bytes]));
      }),
    );
  });

  test(
    'with small limits, the outcome (errors included) does not depend on the chunking',
    FUZZ_TEST_OPTIONS,
    async (t) => {
      await check(
        t,
        fc.property(
          streamBytes,
          splitPoints,
          smallLineLimit,
          smallEventLimit,
          (bytes, points, maxLineLength, maxEventLength) => {
            const options = { maxLineLength, maxEventLength };
            const summary = (chunks: Uint8Array[]) => {
              const { events, comments, retries, lastEventId, errors } = collect(chunks, options);
              return { events, comments, retries, lastEventId, errors: errors.map((error) => error.code) };
            };
            assert.deepEqual(summary(splitAt(bytes, points)), summary([bytes]));
          },
        ),
      );
    },
  );

  test(
    'limits equal to the longest line and the largest event drop nothing; one less drops something',
    FUZZ_TEST_OPTIONS,
    async (t) => {
      await check(
        t,
        fc.property(streamBytes, splitPoints, (bytes, points) => {
          const text = decodeWhole(bytes);
          const largest = largestBuffers(text);
          const maxLineLength = Math.max(1, largest.line);
          const maxEventLength = Math.max(1, largest.data);
          const { events, comments, retries, lastEventId, errors } = collect(splitAt(bytes, points), {
            maxLineLength,
            maxEventLength,
          });
          assert.deepEqual(
            { events, comments, retries, lastEventId, errors: errors.map((error) => error.code) },
            { ...readAsTheStandardSays(text), errors: [] },
            `maxLineLength ${maxLineLength}, maxEventLength ${maxEventLength}`,
          );
          if (largest.line > 1) {
            const shorter = collect(splitAt(bytes, points), { maxLineLength: largest.line - 1 });
            assert.ok(
              shorter.errors.some((error) => error.code === 'LINE_TOO_LONG'),
              'no LINE_TOO_LONG one below',
            );
          }
          if (largest.data > 1) {
            const smaller = collect(splitAt(bytes, points), { maxLineLength, maxEventLength: largest.data - 1 });
            assert.ok(
              smaller.errors.some((error) => error.code === 'EVENT_TOO_LONG'),
              'no EVENT_TOO_LONG one below',
            );
          }
        }),
      );
    },
  );

  test('with small limits, memory stays bounded and only ProtocolErrors are reported', FUZZ_TEST_OPTIONS, async (t) => {
    await check(
      t,
      fc.property(
        streamBytes,
        splitPoints,
        smallLineLimit,
        smallEventLimit,
        (bytes, points, maxLineLength, maxEventLength) => {
          const errors: unknown[] = [];
          const events: ParsedEvent[] = [];
          const parser = createParser(
            { onEvent: (event) => events.push(event), onError: (error) => errors.push(error) },
            { maxLineLength, maxEventLength },
          );
          for (const chunk of splitAt(bytes, points)) {
            parser.feed(chunk);
            assert.ok(parser.bufferedLength <= maxLineLength + maxEventLength, `held ${parser.bufferedLength}`);
          }
          for (const error of errors) assert.ok(error instanceof ProtocolError);
          for (const event of events) assert.ok(event.data.length < maxEventLength, 'an event over the limit came out');
        },
      ),
    );
  });
});

describe('fuzz: the stream parser (@tidings/protocol/stream)', () => {
  test(
    'arbitrary bytes through EventStreamParserStream give the events, comments and retries of createParser',
    FUZZ_TEST_OPTIONS,
    async (t) => {
      await check(
        t,
        fc.asyncProperty(streamBytes, splitPoints, async (bytes, points) => {
          const comments: string[] = [];
          const retries: number[] = [];
          const events: ParsedEvent[] = [];
          const chunks = splitAt(bytes, points);
          const source = new ReadableStream<Uint8Array>({
            start(controller) {
              for (const chunk of chunks) controller.enqueue(chunk);
              controller.close();
            },
          });
          const parsed = source.pipeThrough(
            new EventStreamParserStream({
              onComment: (comment) => comments.push(comment),
              onRetry: (ms) => retries.push(ms),
              onError: () => {},
            }),
          );
          for await (const event of parsed as unknown as AsyncIterable<ParsedEvent>) events.push(event);
          const expected = collect([bytes]);
          assert.deepEqual(
            { events, comments, retries },
            {
              events: expected.events,
              comments: expected.comments,
              retries: expected.retries,
            },
          );
        }),
      );
    },
  );
});

// ---- Serializer ----

const anyText = fc.oneof(
  streamText,
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)) }),
);
/** Text the serializer takes for `event` and `id`: anything without CR, LF or NUL. */
const singleLine = anyText.map((text) => text.replace(/[\r\n\0]/g, ''));
const eventFields = fc.record(
  { data: anyText, event: singleLine, id: singleLine, retry: fc.maxSafeNat() },
  { requiredKeys: [] },
);
/** Well-formed Unicode only: a lone surrogate has no UTF-8 form, so it cannot survive encoding. */
const isWellFormed = (text: string) =>
  !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);

/** What a client reads back from a sequence of events, as the standard says. */
function expectedFrom(sent: EventFields[]): Omit<Outcome, 'comments'> {
  const events: ParsedEvent[] = [];
  const retries: number[] = [];
  let lastEventId = '';
  for (const fields of sent) {
    if (fields.id !== undefined) lastEventId = fields.id;
    if (fields.retry !== undefined) retries.push(fields.retry);
    // An event without a data line is not dispatched; the format carries every line end as LF.
    if (fields.data !== undefined) {
      events.push({ event: fields.event || 'message', data: fields.data.replace(/\r\n|\r/g, '\n'), lastEventId });
    }
  }
  return { events, retries, lastEventId };
}

describe('fuzz: the serializer', () => {
  test(
    'arbitrary accepted fields, serialized then parsed at arbitrary splits, come back as given',
    FUZZ_TEST_OPTIONS,
    async (t) => {
      await check(
        t,
        fc.property(fc.array(eventFields, { maxLength: 8 }), splitPoints, (sent, points) => {
          const stream = sent.map(formatEvent).join('');
          const { events, retries, lastEventId, comments } = collect(splitAt(stream, points));
          assert.deepEqual({ events, retries, lastEventId }, expectedFrom(sent));
          assert.deepEqual(comments, []);
          if (sent.every((fields) => Object.values(fields).every((v) => typeof v !== 'string' || isWellFormed(v)))) {
            const bytes = collect(splitAt(encoder.encode(stream), points));
            assert.deepEqual(
              { events: bytes.events, retries: bytes.retries, lastEventId: bytes.lastEventId },
              expectedFrom(sent),
            );
          }
        }),
      );
    },
  );

  test('arbitrary comments come back line by line and never make an event', FUZZ_TEST_OPTIONS, async (t) => {
    await check(
      t,
      fc.property(anyText, splitPoints, (text, points) => {
        const result = collect(splitAt(formatComment(text), points));
        assert.deepEqual(result.comments, text.split(/\r\n|\r|\n/));
        assert.deepEqual(result.events, []);
      }),
    );
  });

  test(
    'event and id with CR, LF or NUL are refused (FIELD_INJECTION), whatever is around them',
    FUZZ_TEST_OPTIONS,
    async (t) => {
      const injected = fc
        .tuple(anyText, fc.constantFrom('\r', '\n', '\0', '\r\n'), anyText)
        .map(([before, bad, after]) => before + bad + after);
      await check(
        t,
        fc.property(injected, fc.constantFrom('event', 'id'), eventFields, (value, name, others) => {
          assert.throws(
            () => formatEvent({ ...others, [name]: value }),
            (error) => error instanceof ProtocolError && error.code === 'FIELD_INJECTION',
          );
        }),
      );
    },
  );

  test('retry that is not a non-negative safe integer is refused (INVALID_RETRY)', FUZZ_TEST_OPTIONS, async (t) => {
    const badRetry = fc.oneof(
      fc.double().filter((n) => !(Number.isSafeInteger(n) && n >= 0)),
      fc.integer({ max: -1 }),
      fc.constantFrom(Number.MAX_SAFE_INTEGER + 1, Number.POSITIVE_INFINITY, Number.NaN, -0.5),
    );
    await check(
      t,
      fc.property(badRetry, (retry) => {
        assert.throws(
          () => formatEvent({ data: 'x', retry }),
          (error) => error instanceof ProtocolError && error.code === 'INVALID_RETRY',
        );
      }),
    );
  });
});

// Each bug the fuzzer found, as the smallest input it shrank to: a named test that fails without the fix.
describe('fuzz: regressions', () => {
  test('maxEventLength counts the LF after every data line, not only after the first', () => {
    // The standard's data buffer for two empty data lines is "\n\n": 2, over a limit of 1. The parser
    // counted the LF of the first line only, so events of several lines got one character more per line.
    const codes = (input: string, maxEventLength: number) =>
      collect([input], { maxEventLength }).errors.map((error) => error.code);
    assert.deepEqual(codes('data:\ndata:\n\n', 1), ['EVENT_TOO_LONG']);
    assert.deepEqual(codes('data:\ndata:\n\n', 2), []);
    // Split differently, the same 10 characters of buffer ("1234\n56789\n" is 11): one limit for both.
    assert.deepEqual(codes('data: 123456789\n\n', 10), []);
    assert.deepEqual(codes('data: 1234\ndata: 56789\n\n', 10), ['EVENT_TOO_LONG']);
    assert.deepEqual(codes('data: 1234\ndata: 5678\n\n', 10), []);
  });
});
