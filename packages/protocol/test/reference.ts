// A literal, slow reading of the standard ("Interpreting an event stream"), shared by the tests that check
// the parser against it (reference.test.ts on random streams, fuzz.test.ts on arbitrary ones).
import type { ParsedEvent } from '@tidings/protocol';

export interface Outcome {
  events: ParsedEvent[];
  comments: string[];
  retries: number[];
  lastEventId: string;
}

/** The standard's steps, one by one, on the whole stream at once. No shortcut, no limit. */
export function readAsTheStandardSays(stream: string): Outcome {
  const out: Outcome = { events: [], comments: [], retries: [], lastEventId: '' };
  const text = stream.startsWith('\uFEFF') ? stream.slice(1) : stream;
  const lines = text.split(/\r\n|\r|\n/);
  lines.pop(); // what follows the last line end is not a line: the stream ended before it did
  let data = '';
  let type = '';
  let idBuffer = '';
  for (const line of lines) {
    if (line === '') {
      out.lastEventId = idBuffer;
      if (data === '') {
        type = '';
        continue;
      }
      out.events.push({ event: type || 'message', data: data.slice(0, -1), lastEventId: idBuffer });
      data = '';
      type = '';
      continue;
    }
    if (line.startsWith(':')) {
      out.comments.push(line.slice(1).replace(/^ /, ''));
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (name === 'event') type = value;
    else if (name === 'data') data += `${value}\n`;
    else if (name === 'id' && !value.includes('\0')) idBuffer = value;
    else if (name === 'retry' && /^[0-9]+$/.test(value)) out.retries.push(Number(value));
  }
  return out;
}
