/**
 * Checks a chat demo message, sent as JSON `{ "name": "…", "text": "…" }`. Every refusal says what is
 * wrong, so the page can show it as it is.
 */
import { HubError } from '../../errors.js';
import { DEMO_CHAT_MAX_NAME, DEMO_CHAT_MAX_TEXT } from './demo-limits.js';

export type DemoInputErrorCode = 'INVALID_JSON' | 'INVALID_FIELD' | 'UNSUPPORTED_MEDIA_TYPE' | 'BODY_TOO_LARGE';

/** A demo request the hub refuses; `status` is the HTTP status it answers with. */
export class DemoInputError extends HubError {
  declare readonly code: DemoInputErrorCode;
  readonly status: number;

  constructor(code: DemoInputErrorCode, status: number, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.name = 'DemoInputError';
    this.status = status;
  }
}

export interface ChatMessage {
  readonly name: string;
  readonly text: string;
  /** When the hub accepted it (ISO 8601). */
  readonly sentAt: string;
}

/** Control characters (Unicode category Cc: C0, DEL, C1) would garble the page; newlines are allowed in text. */
const CONTROL = /\p{Cc}/u;

function checkText(field: 'name' | 'text', value: unknown, max: number, newlines: boolean): string {
  if (typeof value !== 'string') throw new DemoInputError('INVALID_FIELD', 400, `${field} must be a string`);
  const trimmed = value.trim();
  const length = [...trimmed].length;
  if (length === 0) throw new DemoInputError('INVALID_FIELD', 400, `${field} must not be empty`);
  if (length > max)
    throw new DemoInputError('INVALID_FIELD', 400, `${field} is ${length} characters long; the limit is ${max}`);
  if (CONTROL.test(newlines ? trimmed.replace(/\r\n?|\n/g, '') : trimmed))
    throw new DemoInputError('INVALID_FIELD', 400, `${field} must not contain control characters`);
  return trimmed;
}

const EXAMPLE = '{"name":"Ada","text":"Hello"}';

/** Parses and checks a message body. Throws a `DemoInputError`. */
export function parseChatMessage(body: string, now = new Date()): ChatMessage {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new DemoInputError('INVALID_JSON', 400, `the body must be JSON such as ${EXAMPLE}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new DemoInputError('INVALID_JSON', 400, `the body must be a JSON object such as ${EXAMPLE}`);
  const fields = value as Record<string, unknown>;
  return {
    name: checkText('name', fields.name, DEMO_CHAT_MAX_NAME, false),
    text: checkText('text', fields.text, DEMO_CHAT_MAX_TEXT, true),
    sentAt: now.toISOString(),
  };
}
