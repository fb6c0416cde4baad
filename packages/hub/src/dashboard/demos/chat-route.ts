/**
 * POST /demo/chat/messages: the chat demo's way to send. The page posts JSON; the hub checks it and
 * publishes it on the chat topic with `hub.publish()`, so a visitor needs no publisher token (and gets no
 * power beyond this one topic and these checks).
 */

import { readFetchBody } from '@tidings/server/fetch';
import type { Hub } from '../../create-hub.js';
import { PublishError } from '../../errors.js';
import { DEMO_CHAT_MAX_BODY_BYTES } from '../../limits.js';
import type { RateLimit } from '../../rate-limit.js';
import { DemoInputError, parseChatMessage } from './chat-message.js';
import { DEMO_TOPICS } from './demo-topics.js';

export const CHAT_MESSAGES_PATH = '/demo/chat/messages';

const json = (status: number, value: unknown, headers: Record<string, string> = {}) =>
  new Response(`${JSON.stringify(value)}\n`, {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });

/** Reads the body as text, refusing it past `maxBytes` without reading further. */
async function readText(request: Request, maxBytes: number): Promise<string> {
  const body = await readFetchBody(request, maxBytes);
  if (body === null) throw new DemoInputError('BODY_TOO_LARGE', 413, `the body is larger than ${maxBytes} bytes`);
  try {
    return strictUtf8.decode(body);
  } catch {
    // Shown to everyone in the room: refuse it rather than replace what was sent with U+FFFD.
    throw new DemoInputError('INVALID_JSON', 400, 'the body is not valid UTF-8 (JSON is UTF-8)');
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export async function answerChatPost(hub: Hub, request: Request, limit: RateLimit): Promise<Response> {
  if (request.method !== 'POST')
    return json(405, { error: 'use POST with a JSON body such as {"name":"Ada","text":"Hello"}' }, { allow: 'POST' });
  try {
    const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json')
      throw new DemoInputError('UNSUPPORTED_MEDIA_TYPE', 415, 'send the message as application/json');
    const message = parseChatMessage(await readText(request, DEMO_CHAT_MAX_BODY_BYTES));
    if (!limit.take()) {
      return json(
        429,
        { error: 'too many chat messages right now; try again in a moment' },
        { 'retry-after': String(limit.retryAfterSeconds()) },
      );
    }
    const id = await hub.publish({ topics: DEMO_TOPICS.chat, event: 'message', data: JSON.stringify(message) });
    return json(200, { id });
  } catch (error) {
    if (error instanceof DemoInputError) return json(error.status, { error: error.message });
    if (error instanceof PublishError) return json(error.status, { error: error.message });
    throw error;
  }
}
