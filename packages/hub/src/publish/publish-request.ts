/**
 * Reads and checks the fields of a publish request: `application/x-www-form-urlencoded` as every Mercure
 * publisher sends (0.x and draft-08 "Publication"), or `application/json` with the same field names
 * (`topic` a string or an array, `private` a boolean, `retry` a number or a string of digits). Every
 * refusal carries the HTTP status and a short reason that names the field, never its value.
 */

import { MAX_EVENT_ID_LENGTH } from '@tidings/server';
import { MAX_FIELD_LENGTH, MAX_RETRY_MS, MAX_TOPICS_PER_UPDATE } from '../limits.js';
import { checkPublisherId } from '../log/event-id.js';
import { hasForbiddenCharacters, hasLoneSurrogate, hasValidPercentEscapes } from '../topics/text-rules.js';
import { WILDCARD } from '../topics/topic-selector.js';

export interface PublishFields {
  topics: string[];
  data: string;
  id?: string;
  /** The event type: the publish request's `type` field (its Mercure name on the wire). */
  event?: string;
  retry?: number;
  private: boolean;
}

export interface PublishRefusal {
  status: 400 | 413 | 415;
  reason: string;
}

/** The path of the hub's URL: topics resolving under it are reserved for the hub (draft-08). */
const HUB_PATH = '/.well-known/mercure';
const RESERVED_BASE = `http://hub.invalid${HUB_PATH}`;
const DIGITS = /^[0-9]+$/;

const refuse = (status: PublishRefusal['status'], reason: string): PublishRefusal => ({ status, reason });

/**
 * [spec] draft-08 "Publication": a topic must not address the hub's own namespace once resolved against the
 * hub's URL (dot-segments removed, unreserved percent-escapes decoded), whatever its scheme or authority.
 * A raw-string topic without "/" (Mercure 0.x allows any string, e.g. "mercure") is not treated as a
 * relative reference, so "mercure" stays an ordinary topic.
 */
function isReservedTopic(topic: string): boolean {
  if (!topic.includes('/')) return false;
  let path: string;
  try {
    path = new URL(topic, RESERVED_BASE).pathname;
  } catch {
    return false;
  }
  path = path.replace(/%([0-9A-Fa-f]{2})/g, (triplet, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16));
    return /[A-Za-z0-9\-._~]/.test(char) ? char : triplet;
  });
  // Decoding may have revealed new dot-segments ("%2E%2E"): resolve once more, as a path. Given as a
  // reference, a path starting with "//" would name a host, and "//" alone an empty one, which threw: a 500
  // for the topic "https://example.com//" (found by test/fuzz.test.ts).
  path = new URL(path.startsWith('/') ? `http://hub.invalid${path}` : path, 'http://hub.invalid/').pathname;
  return path === HUB_PATH || path.startsWith(`${HUB_PATH}/`);
}

/** Checks the fields; returns them cleaned up, or a refusal (whose reason names the wire fields). */
export function checkPublishFields(raw: {
  topics: string[];
  data: string | undefined;
  id: string | undefined;
  event: string | undefined;
  retry: string | undefined;
  private: boolean;
}): PublishFields | PublishRefusal {
  const { topics } = raw;
  // [spec] draft-08: "The request MUST contain at least one topic field".
  if (topics.length === 0) return refuse(400, 'missing topic');
  if (topics.length > MAX_TOPICS_PER_UPDATE) return refuse(413, `too many topics (at most ${MAX_TOPICS_PER_UPDATE})`);
  for (const [name, values] of [
    ['topic', topics],
    ['data', [raw.data]],
    ['id', [raw.id]],
    ['type', [raw.event]],
  ] as const) {
    if (values.some((value) => value !== undefined && hasLoneSurrogate(value)))
      return refuse(400, `${name} has a lone surrogate (\\uD800-\\uDFFF without its pair): it is not valid Unicode`);
  }
  for (const topic of topics) {
    if (topic.length === 0) return refuse(400, 'topic must not be empty');
    if (topic.length > MAX_FIELD_LENGTH) return refuse(413, `topic longer than ${MAX_FIELD_LENGTH} characters`);
    if (hasForbiddenCharacters(topic)) return refuse(400, 'topic must not contain control characters');
    if (topic === WILDCARD) return refuse(400, 'topic "*" is reserved for the wildcard selector');
    if (isReservedTopic(topic)) return refuse(400, "topic is in the hub's reserved /.well-known/mercure namespace");
  }
  const fields: PublishFields = { topics, data: raw.data ?? '', private: raw.private };
  if (raw.id !== undefined) {
    if (raw.id.length > MAX_EVENT_ID_LENGTH) return refuse(413, `id longer than ${MAX_EVENT_ID_LENGTH} characters`);
    const problem = checkPublisherId(raw.id);
    if (problem !== null) return refuse(400, problem);
    fields.id = raw.id;
  }
  const { event } = raw;
  if (event !== undefined && event !== '') {
    if (event.length > MAX_FIELD_LENGTH) return refuse(413, `type longer than ${MAX_FIELD_LENGTH} characters`);
    if (hasForbiddenCharacters(event))
      return refuse(400, 'type must not contain control characters (CR, LF, NUL, ...)');
    // [spec] draft-08: the type "mercure" is reserved for events the hub generates itself.
    if (event === 'mercure') return refuse(400, 'type "mercure" is reserved for the hub');
    fields.event = event;
  }
  if (raw.retry !== undefined) {
    // [spec] draft-08: retry "MUST consist solely of ASCII digits".
    if (!DIGITS.test(raw.retry)) return refuse(400, 'retry must be a whole number of milliseconds (digits only)');
    const retry = Number(raw.retry);
    if (retry > MAX_RETRY_MS) return refuse(400, `retry must be at most ${MAX_RETRY_MS} milliseconds`);
    fields.retry = retry;
  }
  return fields;
}

function fromForm(text: string): ReturnType<typeof checkPublishFields> {
  if (!hasValidPercentEscapes(text)) {
    return refuse(400, 'the form body has a broken percent-escape (a "%" needs two hex digits, and the bytes UTF-8)');
  }
  const form = new URLSearchParams(text);
  return checkPublishFields({
    topics: form.getAll('topic'),
    data: form.get('data') ?? undefined,
    id: form.get('id') ?? undefined,
    event: form.get('type') ?? undefined,
    retry: form.get('retry') ?? undefined,
    // [spec] draft-08: the presence of the field makes the update private, whatever its value.
    private: form.has('private'),
  });
}

function optionalString(value: unknown, name: string): string | undefined | PublishRefusal {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return refuse(400, `${name} must be a string`);
  return value;
}

function fromJson(text: string): ReturnType<typeof checkPublishFields> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return refuse(400, 'the body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return refuse(400, 'the body must be a JSON object');
  const json = body as Record<string, unknown>;
  const topic = json.topic;
  const topics = typeof topic === 'string' ? [topic] : topic === undefined ? [] : topic;
  if (!Array.isArray(topics) || !topics.every((t) => typeof t === 'string')) {
    return refuse(400, 'topic must be a string or an array of strings');
  }
  const data = optionalString(json.data, 'data');
  const id = optionalString(json.id, 'id');
  const type = optionalString(json.type, 'type');
  for (const value of [data, id, type]) if (typeof value === 'object') return value;
  let retry: string | undefined;
  if (typeof json.retry === 'number')
    retry = Number.isSafeInteger(json.retry) && json.retry >= 0 ? String(json.retry) : 'x';
  else if (json.retry !== undefined && json.retry !== null) {
    const value = optionalString(json.retry, 'retry');
    if (typeof value === 'object') return value;
    retry = value;
  }
  const isPrivate = json.private ?? false;
  if (typeof isPrivate !== 'boolean') return refuse(400, 'private must be true or false');
  return checkPublishFields({
    topics: topics as string[],
    data: data as string | undefined,
    id: id as string | undefined,
    event: type as string | undefined,
    retry,
    private: isPrivate,
  });
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses a publish body by its Content-Type (a missing one is read as a form, as curl -d sends). */
export function parsePublishBody(contentType: string | undefined, body: Uint8Array): PublishFields | PublishRefusal {
  const mediaType = (contentType ?? 'application/x-www-form-urlencoded').split(';')[0]!.trim().toLowerCase();
  const isForm = mediaType === 'application/x-www-form-urlencoded';
  if (!isForm && mediaType !== 'application/json' && !mediaType.endsWith('+json')) {
    return refuse(415, 'send application/x-www-form-urlencoded or application/json');
  }
  let text: string;
  try {
    text = strictUtf8.decode(body);
  } catch {
    return refuse(400, 'the body is not valid UTF-8'); // rather than store U+FFFD in place of what was sent
  }
  return isForm ? fromForm(text) : fromJson(text);
}

export function isRefusal(value: PublishFields | PublishRefusal): value is PublishRefusal {
  return 'status' in value;
}
