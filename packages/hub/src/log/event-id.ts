/**
 * Event ids. Generated ids are `urn:uuid:` + a random (v4) UUID, as Mercure hubs produce: an IRI, unique
 * without coordination between hubs, and opaque, so a cursor discloses nothing about other events
 * (draft-08 "Reconciliation" recommends random ids for that reason). The hub-wide order is not in the id
 * but in the event log, which keeps updates in the order it accepted them (its positions).
 *
 * Publisher-supplied ids are accepted when they pass `checkPublisherId` and no update in the history
 * carries the same id; a duplicate is refused with 409 Conflict (the log's `append` decides, atomically).
 * The hub can only see the history it still has: an id reused after its first update left the history is
 * accepted again.
 */
import { randomUUID } from 'node:crypto';
import { EARLIEST, MAX_EVENT_ID_LENGTH } from '@tidings/server';
import { hasForbiddenCharacters } from '../topics/text-rules.js';

export { EARLIEST };

export function generateEventId(): string {
  return `urn:uuid:${randomUUID()}`;
}

/** Why a publisher-supplied id is refused, or null when it is acceptable. */
export function checkPublisherId(id: string): string | null {
  if (id.length === 0) return 'id must not be empty';
  if (id.length > MAX_EVENT_ID_LENGTH) return `id must be at most ${MAX_EVENT_ID_LENGTH} characters`;
  // [spec] 0.x and draft-08 "Publication": ids starting with "#" are reserved for hub-generated fragments.
  if (id.startsWith('#')) return 'id must not start with "#"';
  // [spec] draft-08 "Publication": `earliest` is the reserved replay-from-the-start value.
  if (id === EARLIEST) return 'id must not be "earliest"';
  if (hasForbiddenCharacters(id)) return 'id must not contain control characters (CR, LF, NUL, ...)';
  return null;
}
