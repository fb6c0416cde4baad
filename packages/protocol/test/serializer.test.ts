import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeComment, encodeEvent, formatComment, formatEvent, ProtocolError } from '@tidings/protocol';
import { collect } from './collect.ts';

const fieldInjection = (error: unknown) => error instanceof ProtocolError && error.code === 'FIELD_INJECTION';

describe('serializer: formatEvent', () => {
  test('writes id, event, retry and data, ending with a blank line', () => {
    assert.equal(
      formatEvent({ id: '7', event: 'price', retry: 3000, data: '{"p":1}' }),
      'id: 7\nevent: price\nretry: 3000\ndata: {"p":1}\n\n',
    );
  });

  test('data is split on CRLF, CR and LF into one data line each', () => {
    assert.equal(formatEvent({ data: 'a\r\nb\rc\nd' }), 'data: a\ndata: b\ndata: c\ndata: d\n\n');
  });

  test('empty lines in data stay, so the data arrives exactly as given', () => {
    const data = '\nmiddle\n\n';
    assert.equal(formatEvent({ data }), 'data:\ndata: middle\ndata:\ndata:\n\n');
    assert.deepEqual(
      collect([formatEvent({ data })]).events.map((event) => event.data),
      [data],
    );
  });

  test('a leading space in data survives (the parser strips only the one the serializer adds)', () => {
    assert.deepEqual(
      collect([formatEvent({ data: '  two' })]).events.map((event) => event.data),
      ['  two'],
    );
  });

  test('an empty id is written so clients reset their last event id', () => {
    assert.equal(formatEvent({ id: '', data: 'x' }), 'id:\ndata: x\n\n');
  });

  test('an event without data writes its fields and the blank line only', () => {
    assert.equal(formatEvent({ retry: 0 }), 'retry: 0\n\n');
    assert.equal(formatEvent({}), '\n');
  });

  test('event or id with CR, LF or NUL is refused (field injection, CWE-93)', () => {
    for (const bad of ['a\nb', 'a\rb', 'a\r\nb', 'a\0b', '\n']) {
      assert.throws(() => formatEvent({ event: bad, data: 'x' }), fieldInjection, JSON.stringify(bad));
      assert.throws(() => formatEvent({ id: bad, data: 'x' }), fieldInjection, JSON.stringify(bad));
    }
  });

  test('the injection error message does not contain the offending value', () => {
    try {
      formatEvent({ event: 'secret-token\ndata: forged' });
      assert.fail('should throw');
    } catch (error) {
      assert.ok(error instanceof ProtocolError);
      assert.ok(!error.message.includes('secret-token'));
    }
  });

  test('retry must be a non-negative integer', () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      assert.throws(
        () => formatEvent({ retry: bad }),
        (error: unknown) => error instanceof ProtocolError && error.code === 'INVALID_RETRY',
        String(bad),
      );
    }
    assert.equal(formatEvent({ retry: 0 }), 'retry: 0\n\n');
  });

  test('non-string fields are a TypeError', () => {
    assert.throws(() => formatEvent({ data: 5 as never }), TypeError);
    assert.throws(() => formatEvent({ id: 5 as never }), TypeError);
  });
});

describe('serializer: formatComment', () => {
  test('writes a comment line', () => {
    assert.equal(formatComment('keep-alive'), ': keep-alive\n');
    assert.equal(formatComment(), ':\n');
  });

  test('a comment with line breaks becomes several comment lines', () => {
    assert.equal(formatComment('a\r\nb\rc\nd'), ': a\n: b\n: c\n: d\n');
  });

  test('a multi-line comment cannot inject fields or events', () => {
    const result = collect([formatComment('x\ndata: forged\n\nevent: y'), 'data: real\n\n']);
    assert.deepEqual(
      result.events.map((event) => event.data),
      ['real'],
    );
    assert.deepEqual(result.comments, ['x', 'data: forged', '', 'event: y']);
  });
});

describe('serializer: byte forms', () => {
  test('encodeEvent and encodeComment are the UTF-8 bytes of the text forms', () => {
    const fields = { id: 'ü', event: 'e', data: 'héllo 𝄞' };
    assert.deepEqual(encodeEvent(fields), new TextEncoder().encode(formatEvent(fields)));
    assert.deepEqual(encodeComment('é'), new TextEncoder().encode(': é\n'));
  });
});
