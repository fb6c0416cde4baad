/**
 * How an entry is stored as the fields of one stream entry, and read back. `id`, `size` and
 * `publishedAt` come first because the trimming script looks them up by a linear scan of the fields.
 */
import { type EventFields, type LogEntry, toLogEntry } from '@tidings/server';

/** The field/value list given to XADD. */
export function streamFields(fields: EventFields, size: number): string[] {
  const out = [
    'id',
    fields.id,
    'size',
    String(size),
    'publishedAt',
    String(fields.publishedAt),
    'topics',
    JSON.stringify(fields.topics),
    'data',
    fields.data,
    'private',
    fields.private ? '1' : '0',
  ];
  // The stream field keeps its first name, `type`: entries already stored read back the same.
  if (fields.event !== undefined) out.push('type', fields.event);
  if (fields.retry !== undefined) out.push('retry', String(fields.retry));
  return out;
}

/** The position in a stream id `<position>-0`. */
export function positionOf(streamId: string): number {
  const position = Number(streamId.slice(0, streamId.indexOf('-')));
  if (!Number.isSafeInteger(position) || position < 1) throw new Error('malformed stream id');
  return position;
}

/**
 * The entry in one raw stream entry `[streamId, [field, value, …]]` as Redis returns it (RESP2). Throws
 * an Error when it is not one this log wrote (another program writing to our keys).
 */
export function decodeStreamEntry(raw: unknown): LogEntry {
  if (!Array.isArray(raw) || typeof raw[0] !== 'string' || !Array.isArray(raw[1])) {
    throw new Error('malformed stream entry');
  }
  const values = new Map<string, string>();
  const list: unknown[] = raw[1];
  for (let i = 0; i + 1 < list.length; i += 2) {
    const name = list[i];
    const value = list[i + 1];
    if (typeof name === 'string' && typeof value === 'string') values.set(name, value);
  }
  const id = values.get('id');
  const data = values.get('data');
  const topics: unknown = JSON.parse(values.get('topics') ?? 'null');
  const size = Number(values.get('size'));
  const publishedAt = Number(values.get('publishedAt'));
  if (
    id === undefined ||
    data === undefined ||
    !Array.isArray(topics) ||
    !topics.every((t) => typeof t === 'string') ||
    !Number.isSafeInteger(size) ||
    !Number.isFinite(publishedAt)
  ) {
    throw new Error('malformed stream entry');
  }
  const event = values.get('type');
  const retry = values.get('retry');
  const fields: EventFields = {
    id,
    topics,
    data,
    private: values.get('private') === '1',
    publishedAt,
    ...(event !== undefined && { event }),
    ...(retry !== undefined && { retry: Number(retry) }),
  };
  return toLogEntry(fields, positionOf(raw[0]), size);
}

/** True when the stored entry is the event given (every field but position and size). */
export function sameEvent(entry: LogEntry, fields: EventFields): boolean {
  return (
    entry.id === fields.id &&
    entry.data === fields.data &&
    entry.private === fields.private &&
    entry.publishedAt === fields.publishedAt &&
    entry.event === fields.event &&
    entry.retry === fields.retry &&
    JSON.stringify(entry.topics) === JSON.stringify(fields.topics)
  );
}
