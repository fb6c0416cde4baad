// (a) @tidings/protocol, built, in this runtime: the parser on STREAM cut three ways, and the serializer's
// refusal of line breaks in an id (CWE-93 field injection).
import { createParser, formatEvent, ProtocolError } from '../../../packages/protocol/dist/index.js';
import { byteChunks, EXPECTED, STREAM, trickyChunks } from './protocol-cases.mjs';

/** Parses the chunks with a fresh parser and returns everything its callbacks saw. */
function parseAll(chunks) {
  const seen = { events: [], retries: [], comments: [] };
  const parser = createParser({
    onEvent: ({ event, data, lastEventId }) => seen.events.push({ event, data, lastEventId }),
    onRetry: (milliseconds) => seen.retries.push(milliseconds),
    onComment: (comment) => seen.comments.push(comment),
    onError: (error) => {
      throw error;
    },
  });
  for (const chunk of chunks) parser.feed(chunk);
  return seen;
}

/** What parsing gives for each way of cutting the stream; each must equal EXPECTED. */
export function checkParse() {
  return {
    actual: {
      asOneString: parseAll([STREAM]),
      asTrickyChunks: parseAll(trickyChunks()),
      asSingleBytes: parseAll(byteChunks()),
    },
    expected: { asOneString: EXPECTED, asTrickyChunks: EXPECTED, asSingleBytes: EXPECTED },
  };
}

/** How formatEvent answers an id with LF, CR or CRLF in it (and a valid event, for contrast). */
export function checkFormat() {
  const refusal = (id) => {
    try {
      return { returned: formatEvent({ id, data: 'x' }) };
    } catch (error) {
      return { threw: error.name, code: error.code, isProtocolError: error instanceof ProtocolError };
    }
  };
  const refused = { threw: 'ProtocolError', code: 'FIELD_INJECTION', isProtocolError: true };
  return {
    actual: {
      lf: refusal('1\nevent: injected'),
      cr: refusal('1\revent: injected'),
      crlf: refusal('1\r\nevent: injected'),
      valid: formatEvent({ id: '7', event: 'note', data: 'two\r\nlines' }),
    },
    expected: { lf: refused, cr: refused, crlf: refused, valid: 'id: 7\nevent: note\ndata: two\ndata: lines\n\n' },
  };
}
