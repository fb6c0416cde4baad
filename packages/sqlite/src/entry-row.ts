/** How a log entry maps to a row of the `entries` table and back. */
import { type EventFields, type LogEntry, toLogEntry } from '@tidings/server';

/** A row of `entries` as a driver returns it. */
export interface EntryRow {
  position: number;
  id: string;
  /** JSON array of strings. */
  topics: string;
  data: string;
  /** The event type (`LogEntry.event`); the column keeps its first name, `type`. */
  type: string | null;
  retry: number | null;
  /** 0 or 1. */
  private: number;
  published_at: number;
  size: number;
}

/** The columns of `entries` after `position`, in the order of the insert statement's parameters. */
export type EntryParams = [string, string, string, string | null, number | null, 0 | 1, number, number];

/**
 * SQLite stores text as UTF-8, into which a lone UTF-16 surrogate has no encoding: better-sqlite3 would
 * store its WTF-8 bytes, which read back as three U+FFFD (node:sqlite stores one U+FFFD). Stored as one U+FFFD (what TextEncoder, and so
 * the event-stream encoding and `entrySize`, make of it), an entry reads back as it was appended, and an
 * id compares equal to the `Last-Event-ID` a client sends back after receiving it.
 */
export function wellFormed(text: string): string {
  return (text as string & { toWellFormed(): string }).toWellFormed();
}

/** The fields as they will be stored (well-formed strings, a copy of the topics). */
export function storedFields(fields: EventFields): EventFields {
  return {
    id: wellFormed(fields.id),
    topics: fields.topics.map(wellFormed),
    data: wellFormed(fields.data),
    ...(fields.event !== undefined && { event: wellFormed(fields.event) }),
    ...(fields.retry !== undefined && { retry: fields.retry }),
    private: fields.private,
    publishedAt: fields.publishedAt,
  };
}

export function entryParams(fields: EventFields, size: number): EntryParams {
  return [
    fields.id,
    JSON.stringify(fields.topics),
    fields.data,
    fields.event ?? null,
    fields.retry ?? null,
    fields.private ? 1 : 0,
    fields.publishedAt,
    size,
  ];
}

/** The stored entry a row holds. */
export function rowToEntry(row: EntryRow): LogEntry {
  const fields: EventFields = {
    id: row.id,
    topics: JSON.parse(row.topics) as string[],
    data: row.data,
    private: row.private === 1,
    publishedAt: row.published_at,
    ...(row.type !== null && { event: row.type }),
    ...(row.retry !== null && { retry: row.retry }),
  };
  return toLogEntry(fields, row.position, row.size);
}
