/** Checks of what callers give an event log, shared by every log so that all refuse the same input. */
import { EventLogError } from './errors.js';
import type { EventFields, EventLog, LogEntry } from './event-log.js';
import { MAX_EVENT_ID_LENGTH } from './limits.js';

/** Throws EventLogError('INVALID_EVENT') when the fields cannot be stored as they are. */
export function checkEventFields(fields: EventFields): void {
  const invalid = (what: string) => {
    throw new EventLogError('INVALID_EVENT', `cannot append this event: ${what}`);
  };
  if (typeof fields !== 'object' || fields === null) invalid('the event must be an object');
  const { id, topics, data, event, retry, publishedAt } = fields;
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_EVENT_ID_LENGTH)
    invalid(`id must be a string of 1 to ${MAX_EVENT_ID_LENGTH} characters`);
  if (/[\r\n\0]/.test(id)) invalid('id must not contain CR, LF or NUL');
  if (!Array.isArray(topics) || !topics.every((t) => typeof t === 'string'))
    invalid('topics must be an array of strings');
  if (typeof data !== 'string') invalid('data must be a string');
  if (event !== undefined && (typeof event !== 'string' || /[\r\n\0]/.test(event)))
    invalid('event must be a string without CR, LF or NUL');
  if (retry !== undefined && (!Number.isSafeInteger(retry) || retry < 0)) invalid('retry must be a whole number >= 0');
  if (typeof fields.private !== 'boolean') invalid('private must be a boolean');
  if (!Number.isFinite(publishedAt)) invalid('publishedAt must be a time in milliseconds');
}

/** Validates `read`'s arguments. */
export function checkRead(after: number, limit: number): void {
  if (!Number.isSafeInteger(after) || after < 0) throw new TypeError('read needs a position >= 0 (0: from the oldest)');
  if (!Number.isSafeInteger(limit) || limit < 1) throw new TypeError('read needs a limit >= 1');
}

/** Throws a TypeError unless `value` looks like an EventLog (for options that take one). */
export function checkEventLog(value: unknown, name: string): asserts value is EventLog {
  const log = value as EventLog | null;
  if (typeof log !== 'object' || log === null || typeof log.append !== 'function' || typeof log.follow !== 'function') {
    throw new TypeError(
      `${name} must be an EventLog such as new MemoryLog() or a @tidings/sqlite or @tidings/redis log`,
    );
  }
}

/**
 * A stored entry made of its fields, in one shape for every log: no `event` or `retry` key when there is
 * none (so entries compare equal whichever log they come from), and its own copy of the topics.
 */
export function toLogEntry(fields: EventFields, position: number, size: number): LogEntry {
  const entry: { -readonly [K in keyof LogEntry]: LogEntry[K] } = {
    position,
    id: fields.id,
    topics: [...fields.topics],
    data: fields.data,
    private: fields.private,
    publishedAt: fields.publishedAt,
    size,
  };
  if (fields.event !== undefined) entry.event = fields.event;
  if (fields.retry !== undefined) entry.retry = fields.retry;
  return entry;
}
