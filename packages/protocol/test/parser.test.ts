import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createParser, DEFAULT_MAX_LINE_LENGTH, type ParsedEvent, ProtocolError } from '@tidings/protocol';
import { bytes, collect } from './collect.ts';

const message = (data: string, lastEventId = '', event = 'message'): ParsedEvent => ({ event, data, lastEventId });

describe('parser: input decoding', () => {
  test('strings and UTF-8 bytes give the same events', () => {
    const text = 'event: greet\ndata: héllo wörld ✓ 𝄞\nid: ü\n\n';
    assert.deepEqual(collect([bytes(text)]).events, collect([text]).events);
    assert.deepEqual(collect([text]).events, [message('héllo wörld ✓ 𝄞', 'ü', 'greet')]);
  });

  test('a multi-byte character split across byte chunks is decoded whole', () => {
    const encoded = bytes('data: 𝄞€\n\n'); // 4-byte and 3-byte characters
    const chunks = [...encoded].map((byte) => Uint8Array.of(byte));
    assert.deepEqual(collect(chunks).events, [message('𝄞€')]);
  });

  test('invalid UTF-8 bytes become U+FFFD', () => {
    const input = Uint8Array.of(...bytes('data: a'), 0xff, 0xc3, ...bytes('b\n\n'));
    assert.deepEqual(collect([input]).events, [message('a\uFFFD\uFFFDb')]);
  });

  test('one leading BOM is stripped, from text and from bytes', () => {
    assert.deepEqual(collect(['\uFEFFdata: x\n\n']).events, [message('x')]);
    assert.deepEqual(collect([Uint8Array.of(0xef, 0xbb, 0xbf, ...bytes('data: x\n\n'))]).events, [message('x')]);
  });

  test('a BOM split across byte chunks is still stripped', () => {
    assert.deepEqual(
      collect([Uint8Array.of(0xef), Uint8Array.of(0xbb), Uint8Array.of(0xbf), bytes('data: x\n\n')]).events,
      [message('x')],
    );
  });

  test('only one BOM is stripped: a second one is part of the first field name', () => {
    assert.deepEqual(collect(['\uFEFF\uFEFFdata: x\n\n']).events, []);
    assert.deepEqual(collect(['\uFEFF', '\uFEFFdata: x\n\n']).events, []);
  });

  test('a BOM after the start of the stream is kept', () => {
    assert.deepEqual(collect(['data: x\n\ndata: \uFEFFy\n\n']).events, [message('x'), message('\uFEFFy')]);
  });
});

describe('parser: line ends', () => {
  test('LF, CR and CRLF each end a line', () => {
    for (const end of ['\n', '\r', '\r\n']) {
      assert.deepEqual(collect([`data: a${end}data: b${end}${end}`]).events, [message('a\nb')], JSON.stringify(end));
    }
  });

  test('mixed line ends in one stream', () => {
    assert.deepEqual(collect(['data: a\rdata: b\r\ndata: c\n\r\n']).events, [message('a\nb\nc')]);
  });

  test('a CR ending one chunk and an LF starting the next are one line end', () => {
    assert.deepEqual(collect(['data: a\r', '\ndata: b\r', '\n\r', '\n']).events, [message('a\nb')]);
  });

  test('a CR ending one chunk, then empty chunks, then LF, is still one line end', () => {
    assert.deepEqual(collect(['data: a\r', '', '\n', '\r\n']).events, [message('a')]);
  });

  test('a CR ending one chunk followed by other text ends the line', () => {
    assert.deepEqual(collect(['data: a\r', 'data: b\r', '\r']).events, [message('a\nb')]);
  });

  test('two CRs are two line ends: the second is a blank line', () => {
    assert.deepEqual(collect(['data: a\r\rdata: b\r\r']).events, [message('a'), message('b')]);
  });
});

describe('parser: fields', () => {
  test('a line without a colon is a field name with an empty value', () => {
    assert.deepEqual(collect(['data\n\n']).events, [message('')]);
    assert.deepEqual(collect(['data: x\nevent\n\n']).events, [message('x')]);
  });

  test('one space after the colon is removed, and only one', () => {
    assert.deepEqual(collect(['data:  two spaces\n\n']).events, [message(' two spaces')]);
    assert.deepEqual(collect(['data:no space\n\n']).events, [message('no space')]);
    assert.deepEqual(collect(['data:\tx\n\n']).events, [message('\tx')]);
  });

  test('colons after the first belong to the value', () => {
    assert.deepEqual(collect(['data: a: b:c\n\n']).events, [message('a: b:c')]);
  });

  test('field names are case-sensitive and unknown fields are ignored', () => {
    assert.deepEqual(collect(['Data: x\nfoo: bar\ndata: y\n\n']).events, [message('y')]);
  });

  test('comment lines are ignored by the event logic and reported to onComment', () => {
    const result = collect([': keep-alive\n:no space\n:\ndata: x\n: inside\n\n']);
    assert.deepEqual(result.events, [message('x')]);
    assert.deepEqual(result.comments, ['keep-alive', 'no space', '', 'inside']);
  });

  test('a comment-only block dispatches nothing', () => {
    assert.deepEqual(collect([': hello\n\n']).events, []);
  });

  test('the event field sets the type; an empty one means message', () => {
    assert.deepEqual(collect(['event: add\ndata: 1\n\nevent:\ndata: 2\n\n']).events, [
      message('1', '', 'add'),
      message('2'),
    ]);
  });

  test('the last event field of a block wins, and the type does not carry over to the next event', () => {
    assert.deepEqual(collect(['event: a\nevent: b\ndata: 1\n\ndata: 2\n\n']).events, [
      message('1', '', 'b'),
      message('2'),
    ]);
  });
});

describe('parser: id', () => {
  test('the id persists across events until changed', () => {
    assert.deepEqual(collect(['id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\n']).events, [
      message('a', '1'),
      message('b', '1'),
      message('c', '2'),
    ]);
  });

  test('an empty id resets the last event id', () => {
    assert.deepEqual(collect(['id: 1\ndata: a\n\nid\ndata: b\n\nid: 2\ndata: c\n\nid:\ndata: d\n\n']).events, [
      message('a', '1'),
      message('b'),
      message('c', '2'),
      message('d'),
    ]);
  });

  test('an id containing U+0000 is ignored', () => {
    assert.deepEqual(collect(['id: 1\ndata: a\n\nid: 2\u00003\ndata: b\n\n']).events, [
      message('a', '1'),
      message('b', '1'),
    ]);
  });

  test('an id takes effect at the blank line, also when no event is dispatched', () => {
    const parser = createParser({ onEvent: () => {} });
    parser.feed('id: 7\n');
    assert.equal(parser.lastEventId, '', 'not before the blank line');
    parser.feed('\n');
    assert.equal(parser.lastEventId, '7', 'a block with only an id still sets it');
  });

  test('the initial lastEventId option seeds the buffer', () => {
    assert.deepEqual(collect(['data: a\n\n'], { lastEventId: '41' }).events, [message('a', '41')]);
  });
});

describe('parser: retry', () => {
  test('a retry of ASCII digits is reported in milliseconds', () => {
    assert.deepEqual(collect(['retry: 1500\n', 'retry:0\n']).retries, [1500, 0]);
  });

  test('a retry with anything but ASCII digits is ignored', () => {
    const values = ['', ' 1000', '10.5', '-1', '1e3', '+5', '1000ms', '\u0661\u0662', '12 '];
    const result = collect(values.map((value) => `retry: ${value}\n`));
    assert.deepEqual(result.retries, []);
  });

  test('a retry alone dispatches no event', () => {
    assert.deepEqual(collect(['retry: 10\n\n']).events, []);
  });
});

describe('parser: dispatch', () => {
  test('the spec example: three data lines make one event joined with LF', () => {
    assert.deepEqual(collect(['data: YHOO\ndata: +2\ndata: 10\n\n']).events, [message('YHOO\n+2\n10')]);
  });

  test('the spec example: ids, a bare id field and a second space', () => {
    const stream = ': test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n';
    assert.deepEqual(collect([stream, '\n']).events, [
      message('first event', '1'),
      message('second event'),
      message(' third event'),
    ]);
  });

  test('the spec example: empty data, two empty data lines, and an unterminated block', () => {
    assert.deepEqual(collect(['data\n\ndata\ndata\n\ndata:']).events, [message(''), message('\n')]);
  });

  test('the spec example: "data:test" and "data: test" are the same', () => {
    assert.deepEqual(collect(['data:test\n\ndata: test\n\n']).events, [message('test'), message('test')]);
  });

  test('a block without data lines dispatches nothing and clears the event type', () => {
    assert.deepEqual(collect(['event: x\n\ndata: y\n\n']).events, [message('y')]);
  });

  test('only the last trailing LF of the data buffer is removed', () => {
    assert.deepEqual(collect(['data: a\ndata:\ndata:\n\n']).events, [message('a\n\n')]);
  });

  test('data left at the end of the stream without a blank line is discarded', () => {
    assert.deepEqual(collect(['data: a\n\ndata: b\n']).events, [message('a')]);
    assert.deepEqual(collect(['data: a\n\ndata: b']).events, [message('a')]);
  });

  test('several blank lines in a row dispatch once', () => {
    assert.deepEqual(collect(['data: a\n\n\n\n']).events, [message('a')]);
  });
});

describe('parser: limits', () => {
  test('the default line limit is 1 MiB', () => {
    assert.equal(DEFAULT_MAX_LINE_LENGTH, 1024 * 1024);
  });

  test('a line over the limit is reported and its event dropped; the stream goes on', () => {
    const long = 'x'.repeat(101);
    const result = collect([`data: ok\n\nid: 5\ndata: a\ndata: ${long}\ndata: b\n\ndata: after\n\n`], {
      maxLineLength: 100,
    });
    assert.deepEqual(result.events, [message('ok'), message('after', '5')]);
    assert.equal(result.errors.length, 1);
    assert.ok(result.errors[0] instanceof ProtocolError);
    assert.equal(result.errors[0]?.code, 'LINE_TOO_LONG');
  });

  test('a line over the limit is never buffered whole, however it is chunked', () => {
    let maxHeld = 0;
    const chunks = Array.from({ length: 50 }, () => 'y'.repeat(10));
    const errors: string[] = [];
    const parser = createParser(
      { onEvent: () => {}, onError: (error) => errors.push(error.code) },
      { maxLineLength: 100 },
    );
    parser.feed('data: ');
    for (const chunk of chunks) {
      parser.feed(chunk);
      maxHeld = Math.max(maxHeld, parser.bufferedLength);
    }
    assert.deepEqual(errors, ['LINE_TOO_LONG'], 'reported once');
    assert.ok(maxHeld <= 100, `held ${maxHeld}`);
    const after: ParsedEvent[] = [];
    const parser2 = createParser({ onEvent: (event) => after.push(event) }, { maxLineLength: 100 });
    parser2.feed('data: ');
    for (const chunk of chunks) parser2.feed(chunk);
    parser2.feed('\n\ndata: next\n\n');
    assert.deepEqual(after, [message('next')]);
  });

  test('event data over maxEventLength is reported and the event dropped', () => {
    const lines = Array.from({ length: 20 }, () => 'data: 0123456789\n').join('');
    const result = collect([`${lines}\ndata: small\n\n`], { maxLineLength: 100, maxEventLength: 150 });
    assert.deepEqual(result.events, [message('small')]);
    assert.deepEqual(
      result.errors.map((error) => error.code),
      ['EVENT_TOO_LONG'],
    );
  });

  test('a one-line event is held to maxEventLength too, whatever the line ends', () => {
    // The data buffer holds value + LF, so with a limit of 10 a 9-character line fits and 10 do not.
    for (const end of ['\n', '\r\n', '\r']) {
      const input = `data: 123456789${end}${end}data: 0123456789${end}${end}data: after${end}${end}`;
      const result = collect([input], { maxEventLength: 10 });
      assert.deepEqual(result.events, [message('123456789'), message('after')], JSON.stringify(end));
      assert.deepEqual(
        result.errors.map((error) => error.code),
        ['EVENT_TOO_LONG'],
      );
    }
  });

  test('invalid limits are refused with a TypeError that says what is expected', () => {
    assert.throws(
      () => createParser({ onEvent: () => {} }, { maxLineLength: 0 }),
      /maxLineLength must be a positive integer/,
    );
    assert.throws(() => createParser({ onEvent: () => {} }, { maxEventLength: 1.5 }), TypeError);
    assert.throws(() => createParser({} as never), /callbacks.onEvent/);
  });
});

describe('parser: reset', () => {
  test('reset drops an unfinished line and event and keeps the last event id', () => {
    const events: ParsedEvent[] = [];
    const parser = createParser({ onEvent: (event) => events.push(event) });
    parser.feed('id: 3\ndata: a\n\ndata: half');
    parser.reset();
    parser.feed('\n\ndata: b\n\n');
    assert.deepEqual(events, [message('a', '3'), message('b', '3')]);
  });

  test('reset strips a BOM again, as a new stream', () => {
    const events: ParsedEvent[] = [];
    const parser = createParser({ onEvent: (event) => events.push(event) });
    parser.feed('\uFEFFdata: a\n\n');
    parser.reset({ lastEventId: '' });
    parser.feed('\uFEFFdata: b\n\n');
    assert.deepEqual(events, [message('a'), message('b')]);
  });

  test('reset from inside onEvent stops the current feed', () => {
    const events: ParsedEvent[] = [];
    const parser = createParser({
      onEvent: (event) => {
        events.push(event);
        parser.reset();
      },
    });
    parser.feed('data: a\n\ndata: b\n\n');
    assert.deepEqual(events, [message('a')]);
  });
});
