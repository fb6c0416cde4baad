// Checks a chat message sent with POST /messages and turns it into what is broadcast. Every rejection says
// what is wrong, so the page can show it as is.
import { MAX_MESSAGE_LENGTH, MAX_NAME_LENGTH } from './limits.ts';

export interface ChatMessage {
  readonly name: string;
  readonly text: string;
  /** When the server accepted it (ISO 8601). */
  readonly sentAt: string;
}

/** A message the server refuses; `status` is the HTTP status to answer with. */
export class ChatInputError extends Error {
  readonly code: 'INVALID_JSON' | 'INVALID_FIELD';
  readonly status = 400;
  constructor(code: ChatInputError['code'], message: string) {
    super(message);
    this.name = 'ChatInputError';
    this.code = code;
  }
}

/** Control characters (C0, DEL, C1: Unicode category Cc); a name or message with them could garble the page. */
const CONTROL = /\p{Cc}/u;

function checkText(field: 'name' | 'text', value: unknown, max: number, allowNewlines: boolean): string {
  if (typeof value !== 'string') throw new ChatInputError('INVALID_FIELD', `${field} must be a string`);
  const trimmed = value.trim();
  const length = [...trimmed].length;
  if (length === 0) throw new ChatInputError('INVALID_FIELD', `${field} must not be empty`);
  if (length > max) {
    throw new ChatInputError('INVALID_FIELD', `${field} is ${length} characters long; the limit is ${max}`);
  }
  const checked = allowNewlines ? trimmed.replace(/\r\n?|\n/g, '') : trimmed;
  if (CONTROL.test(checked)) {
    throw new ChatInputError('INVALID_FIELD', `${field} must not contain control characters`);
  }
  return trimmed;
}

/** Parses and checks the JSON body `{ "name": "…", "text": "…" }`. */
export function parseChatMessage(body: string, now: Date = new Date()): ChatMessage {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new ChatInputError('INVALID_JSON', 'the body must be JSON such as {"name":"Ada","text":"Hello"}');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ChatInputError('INVALID_JSON', 'the body must be a JSON object such as {"name":"Ada","text":"Hello"}');
  }
  const fields = value as Record<string, unknown>;
  return {
    name: checkText('name', fields.name, MAX_NAME_LENGTH, false),
    text: checkText('text', fields.text, MAX_MESSAGE_LENGTH, true),
    sentAt: now.toISOString(),
  };
}
