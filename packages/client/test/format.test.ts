// "Interpreting an event stream" as an EventSource sees it, end to end over HTTP: each case is a
// stream body and the events the standard says it dispatches.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { data, events, streamOnce } from './support/stream-once.ts';

describe('byte order mark', () => {
  test('one leading BOM is ignored', async () => {
    assert.deepEqual(data(await streamOnce('\uFEFFdata: 1\n\n')), ['1']);
  });
  test('a second BOM is part of the first field name, so that field is ignored', async () => {
    assert.deepEqual(data(await streamOnce('\uFEFF\uFEFFdata: 1\n\ndata: 2\n\n')), ['2']);
  });
  test('a BOM later in the stream is not stripped', async () => {
    assert.deepEqual(data(await streamOnce('data: 1\n\n\uFEFFdata: 2\n\n')), ['1']);
  });
  test('a BOM split across two chunks is still the leading BOM', async () => {
    const bom = Buffer.from('\uFEFF', 'utf8');
    assert.deepEqual(data(await streamOnce([bom.subarray(0, 1), bom.subarray(1), 'data: x\n\n'])), ['x']);
  });
});

describe('line ends', () => {
  test('CR, LF and CRLF each end a line', async () => {
    assert.deepEqual(data(await streamOnce('data: a\rdata: b\ndata: c\r\n\r\ndata: d\r\rdata: e\n\n')), [
      'a\nb\nc',
      'd',
      'e',
    ]);
  });
  test('a CRLF split across chunks is one line end, not two', async () => {
    assert.deepEqual(data(await streamOnce(['data: a\r', '\ndata: b\r', '\n\r\n'])), ['a\nb']);
  });
  test('every byte in its own chunk parses the same', async () => {
    const body = 'event: e\r\ndata: x\ndata:  y\r\rid: 7\ndata\n\n';
    const logged = await streamOnce(
      [...Buffer.from(body)].map((byte) => Buffer.from([byte])),
      { namedTypes: ['e'] },
    );
    assert.deepEqual(events(logged), ['e:x\n y', 'message:']);
    assert.equal(logged.messages[1]?.lastEventId, '7');
  });
});

describe('fields', () => {
  test('comments are ignored and a comment-only block dispatches nothing', async () => {
    assert.deepEqual(data(await streamOnce(':comment\n\n: one\ndata: x\n:two\n\n')), ['x']);
  });
  test('data: several lines join with LF; only the last LF is removed', async () => {
    assert.deepEqual(data(await streamOnce('data: a\ndata: b\n\ndata: c\ndata\n\n')), ['a\nb', 'c\n']);
  });
  test('data with no value, or an empty value, dispatches an empty message', async () => {
    assert.deepEqual(data(await streamOnce('data\n\ndata:\n\n')), ['', '']);
  });
  test('only one space after the colon is removed; colons in the value stay', async () => {
    assert.deepEqual(data(await streamOnce('data:  two\n\ndata:none\n\ndata: a: b\n\n')), [' two', 'none', 'a: b']);
  });
  test('a line with no colon is a field with an empty value', async () => {
    assert.deepEqual(data(await streamOnce('data\ndata\ndata\n\n')), ['\n\n']);
  });
  test('unknown fields are ignored; field names are case-sensitive', async () => {
    assert.deepEqual(data(await streamOnce('foo: bar\nDATA: no\nData: no\ndata: yes\n\n')), ['yes']);
  });
  test('NUL in data is kept', async () => {
    assert.deepEqual(data(await streamOnce('data: a\u0000b\n\n')), ['a\u0000b']);
  });
  test('a block without data dispatches nothing', async () => {
    assert.deepEqual(events(await streamOnce('event: x\nid: 1\n\ndata: y\n\n')), ['message:y']);
  });
});

describe('event field', () => {
  test('event: names the event type; listeners for it get it, onmessage does not', async () => {
    const logged = await streamOnce('event: tick\ndata: 1\n\ndata: 2\n\n', { namedTypes: ['tick'] });
    assert.deepEqual(events(logged), ['tick:1', 'message:2']);
    assert.equal(logged.messages[0]?.type, 'tick');
  });
  test('an empty event field means message', async () => {
    assert.deepEqual(events(await streamOnce('event:\ndata: 1\n\nevent\ndata: 2\n\n')), ['message:1', 'message:2']);
  });
  test('the event type does not carry over to the next block, even one that dispatched nothing', async () => {
    const logged = await streamOnce('event: a\n\ndata: 1\n\n', { namedTypes: ['a'] });
    assert.deepEqual(events(logged), ['message:1']);
  });
  test('the last event field of a block wins', async () => {
    const logged = await streamOnce('event: a\nevent: b\ndata: 1\n\n', { namedTypes: ['a', 'b'] });
    assert.deepEqual(events(logged), ['b:1']);
  });
});

describe('id field', () => {
  test('lastEventId stays set for later events until the next id', async () => {
    const logged = await streamOnce('id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\n');
    assert.deepEqual(
      logged.messages.map((event) => event.lastEventId),
      ['1', '1', '2'],
    );
  });
  test('an empty id resets it', async () => {
    const logged = await streamOnce('id: 1\ndata: a\n\nid\ndata: b\n\n');
    assert.deepEqual(
      logged.messages.map((event) => event.lastEventId),
      ['1', ''],
    );
  });
  test('an id containing NUL is ignored', async () => {
    const logged = await streamOnce('id: 1\ndata: a\n\nid: 2\u00003\ndata: b\n\n');
    assert.deepEqual(
      logged.messages.map((event) => event.lastEventId),
      ['1', '1'],
    );
  });
  test('an id in a block without data still sets the last event ID', async () => {
    const logged = await streamOnce('id: 5\n\ndata: z\n\n');
    assert.equal(logged.messages[0]?.lastEventId, '5');
  });
  test('an id is applied at the blank line, not before', async () => {
    const logged = await streamOnce('id: 1\ndata: a\n\ndata: b\nid: 2\n\n');
    assert.deepEqual(
      logged.messages.map((event) => event.lastEventId),
      ['1', '2'],
    );
  });
});

describe('end of stream', () => {
  test('an event without its final blank line is not dispatched', async () => {
    assert.deepEqual(data(await streamOnce('data: 1\n\ndata: 2\n')), ['1']);
    assert.deepEqual(data(await streamOnce('data: 1\n\ndata: 2')), ['1']);
  });
});

describe('UTF-8', () => {
  test('multi-byte characters split across chunks decode whole', async () => {
    const bytes = Buffer.from('data: héllo → 😀\n\n', 'utf8');
    const chunks = [bytes.subarray(0, 8), bytes.subarray(8, 15), bytes.subarray(15, 19), bytes.subarray(19)];
    assert.deepEqual(data(await streamOnce(chunks)), ['héllo → 😀']);
  });
  test('invalid UTF-8 becomes U+FFFD', async () => {
    assert.deepEqual(data(await streamOnce(Buffer.from([...Buffer.from('data: a'), 0xff, 0x0a, 0x0a]))), ['a\uFFFD']);
  });
  test('the stream is UTF-8 whatever charset the Content-Type names', async () => {
    const logged = await streamOnce(Buffer.from('data: é\n\n', 'utf8'), {
      headers: { 'content-type': 'text/event-stream; charset=iso-8859-1' },
    });
    assert.deepEqual(data(logged), ['é']);
  });
});

describe('MessageEvent', () => {
  test('a MessageEvent that does not bubble and cannot be cancelled, with the origin of the stream', async () => {
    const logged = await streamOnce('data: x\n\n');
    const event = logged.messages[0];
    assert.ok(event instanceof MessageEvent);
    assert.equal(event.bubbles, false);
    assert.equal(event.cancelable, false);
    assert.match(event.origin, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(event.lastEventId, '');
  });
});
