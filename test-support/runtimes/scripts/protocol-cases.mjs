// The event stream the Deno and Bun scripts parse, and what the WHATWG "Server-sent events" parsing rules
// say it holds. Plain ESM with no imports, so every runtime (and the Node test) reads the same cases.

/** One stream exercising every parsing rule; each line says which rule it is there for. */
export const STREAM = [
  '\uFEFF', // a leading byte order mark is skipped
  ': a comment\n', // a comment, LF line end
  'retry: 2500\r\n', // retry, CRLF line end
  'id: 1\r', // id, CR line end
  'data: first line\n',
  'data: second line\r\n',
  'data\n', // a field name with no colon: an empty data line
  '\n', // dispatch: data lines joined with LF, the last LF removed
  'event: greeting\r',
  'data:no space after colon\r',
  'data:  two spaces\r', // only one space after the colon is removed
  '\r',
  'id: 2\n',
  'retry: 12x\n', // not all digits: ignored
  ':another comment\n',
  'data: caf\u00e9 \u{1F600} \u00fcn\u00efc\u00f6d\u00e9\n', // 2- and 4-byte characters, cut mid-character below
  '\n',
  'event: empty\n', // an event with no data is not dispatched
  '\n',
  'id: 3\u0000\n', // an id containing NUL is ignored: the last event ID stays 2
  'unknown: field\n', // an unknown field is ignored
  'data: after ignored id\n',
  '\n',
  'id\n', // an empty id resets the last event ID
  'event:\n', // an empty event type means "message"
  'data: reset id\r\n',
  '\r\n',
  'event: pending\n', // the stream ends before the blank line: never dispatched
  'data: never dispatched\n',
].join('');

/** What parsing STREAM must give, whatever the chunking. */
export const EXPECTED = {
  events: [
    { event: 'message', data: 'first line\nsecond line\n', lastEventId: '1' },
    { event: 'greeting', data: 'no space after colon\n two spaces', lastEventId: '1' },
    { event: 'message', data: 'caf\u00e9 \u{1F600} \u00fcn\u00efc\u00f6d\u00e9', lastEventId: '2' },
    { event: 'message', data: 'after ignored id', lastEventId: '2' },
    { event: 'message', data: 'reset id', lastEventId: '' },
  ],
  retries: [2500],
  comments: ['a comment', 'another comment'],
};

const encoder = new TextEncoder();

/** The UTF-8 byte offset of `text.indexOf(marker) + within` (within counted in UTF-16 units of STREAM). */
function byteOffset(marker, within) {
  const index = STREAM.indexOf(marker);
  if (index < 0) throw new Error(`marker ${JSON.stringify(marker)} is not in STREAM`);
  return encoder.encode(STREAM.slice(0, index + within)).length;
}

/**
 * STREAM as UTF-8 chunks cut where parsers go wrong: inside the BOM, between the CR and LF of a CRLF,
 * inside the 2-byte "é" and inside the 4-byte emoji.
 */
export function trickyChunks() {
  const bytes = encoder.encode(STREAM);
  const cuts = [
    1, // after the first of the BOM's three bytes
    byteOffset('retry: 2500\r\n', 'retry: 2500\r'.length), // CR | LF
    byteOffset('caf\u00e9', 3) + 1, // after the first byte of "é"
    byteOffset('\u{1F600}', 0) + 2, // after two of the emoji's four bytes
    byteOffset('data: reset id\r\n', 'data: reset id\r'.length), // CR | LF again
  ];
  const chunks = [];
  let start = 0;
  for (const cut of cuts) {
    chunks.push(bytes.subarray(start, cut));
    start = cut;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

/** STREAM as one-byte chunks: every possible cut at once. */
export function byteChunks() {
  return Array.from(encoder.encode(STREAM), (byte) => Uint8Array.of(byte));
}
