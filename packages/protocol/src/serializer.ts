import { ProtocolError } from './errors.js';

/** The fields of one event to write. Every field is optional; an empty object writes a lone blank line. */
export interface EventFields {
  /** The payload. Split on CRLF, CR and LF into one `data:` line each, so it arrives exactly as given. */
  data?: string;
  /** The event type (`event:`). Must not contain CR, LF or NUL. */
  event?: string;
  /** The event id (`id:`); an empty string resets the client's last event id. Must not contain CR, LF or NUL. */
  id?: string;
  /** The reconnection time hint in milliseconds (`retry:`): a non-negative integer. */
  retry?: number;
}

const LINE_BREAK = /\r\n|\r|\n/;
const FORBIDDEN_IN_FIELD = /[\r\n\0]/;

function checkSingleLine(name: 'event' | 'id', value: string): string {
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string, got ${typeof value}`);
  // A line break here would let the value start new fields or events (field injection, CWE-93);
  // a NUL makes clients ignore the id altogether.
  if (FORBIDDEN_IN_FIELD.test(value)) {
    throw new ProtocolError('FIELD_INJECTION', `${name} must not contain CR, LF or NUL`);
  }
  return value;
}

function field(name: string, value: string): string {
  return value === '' ? `${name}:\n` : `${name}: ${value}\n`;
}

/** One `name: line` per line of `text`, split on CRLF, CR and LF. */
function multiline(name: string, text: string): string {
  if (typeof text !== 'string') throw new TypeError(`${name || 'comment'} must be a string, got ${typeof text}`);
  // Fast path: most payloads are one line.
  if (!LINE_BREAK.test(text)) return field(name, text);
  let out = '';
  for (const line of text.split(LINE_BREAK)) out += field(name, line);
  return out;
}

/**
 * Returns the text of one event, ending with the blank line that dispatches it. Throws a
 * `ProtocolError` (`FIELD_INJECTION`, `INVALID_RETRY`) for values that cannot be written faithfully.
 */
export function formatEvent(fields: EventFields): string {
  let out = '';
  if (fields.id !== undefined) out += field('id', checkSingleLine('id', fields.id));
  if (fields.event !== undefined) out += field('event', checkSingleLine('event', fields.event));
  if (fields.retry !== undefined) {
    if (!Number.isSafeInteger(fields.retry) || fields.retry < 0) {
      throw new ProtocolError('INVALID_RETRY', 'retry must be a non-negative integer number of milliseconds');
    }
    out += `retry: ${fields.retry}\n`;
  }
  if (fields.data !== undefined) out += multiline('data', fields.data);
  return `${out}\n`;
}

/** Returns comment lines (`: text`), one per line of `text`; clients ignore them (keep-alives, notes). */
export function formatComment(text = ''): string {
  return multiline('', text);
}

const encoder = new TextEncoder();

/** `formatEvent` as UTF-8 bytes, ready to write to a socket. */
export function encodeEvent(fields: EventFields): Uint8Array {
  return encoder.encode(formatEvent(fields));
}

/** `formatComment` as UTF-8 bytes. */
export function encodeComment(text = ''): Uint8Array {
  return encoder.encode(formatComment(text));
}
