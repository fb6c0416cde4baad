import { encodeEvent } from '@tidings/protocol';
import type { EventFields } from './event-log.js';

/** Each entry's bytes, so an entry is serialized once however many subscribers and replays it reaches. */
const encoded = new WeakMap<EventFields, Uint8Array>();

/**
 * The entry as event-stream bytes: `id:`, `event:` (when typed), `retry:` (when given), then `data:`
 * split on line ends. Cached per entry object. Throws a ProtocolError for CR, LF or NUL in id or type.
 */
export function encodeEntry(entry: EventFields): Uint8Array {
  let bytes = encoded.get(entry);
  if (bytes === undefined) {
    bytes = encodeEvent({
      id: entry.id,
      data: entry.data,
      ...(entry.event !== undefined && { event: entry.event }),
      ...(entry.retry !== undefined && { retry: entry.retry }),
    });
    encoded.set(entry, bytes);
  }
  return bytes;
}

/** Bytes an entry counts against a log's `maxBytes`: the length of its encoding. */
export function entrySize(fields: EventFields): number {
  return encodeEntry(fields).byteLength;
}
