// The chat: messages are sent with fetch POST /messages (`{"name":"Ada","text":"Hello"}`) and delivered to
// every page over the /events stream as named `chat` events. SSE for the many reads, plain HTTP for the
// rare writes: the split the seed article's readers settled on.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { createChannel } from '@tidings/server';
import { createSession, readBody } from '@tidings/server/node';
import { listenOnLoopback, type RunningExample } from '../shared/listen.ts';
import { loadPublicFiles, sendText, servePublicFile } from '../shared/public-files.ts';
import { MAX_BODY_BYTES } from './limits.ts';
import { ChatInputError, parseChatMessage } from './message.ts';

/** Port when PORT is not set. */
export const DEFAULT_PORT = 3104;

export interface ChatOptions {
  /** TCP port; 0 picks a free one. Default DEFAULT_PORT. */
  port?: number;
  /** The `retry:` hint: milliseconds the browser waits before it reconnects. Default 2000. */
  retryMs?: number;
}

export type ChatApp = RunningExample;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
  res.end(body);
}

export async function startChat(options: ChatOptions = {}): Promise<ChatApp> {
  const retry = options.retryMs ?? 2000;
  const files = loadPublicFiles(join(import.meta.dirname, 'public'));
  const channel = createChannel();
  // The channel gives each event an id (a random UUID, so an id from before a restart is unknown to the new
  // server rather than mistaken for one of its events); the browser sends the last one back as Last-Event-ID.

  async function postMessage(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Requiring JSON also keeps other sites from posting with a plain HTML form: a cross-origin
    // application/json request needs a CORS preflight, which this server never grants.
    if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
      sendJson(res, 415, { error: 'send the message as Content-Type: application/json' });
      return;
    }
    // At most MAX_BODY_BYTES are held; a larger body is null (and is read to its end or cut, so the
    // client sees the 413).
    const body = await readBody(req, MAX_BODY_BYTES);
    if (body === null) {
      sendJson(res, 413, { error: `the request body is larger than ${MAX_BODY_BYTES} bytes` });
      return;
    }
    let text: string;
    try {
      text = strictUtf8.decode(body);
    } catch {
      // Refused, rather than shown to the room with U+FFFD in it.
      sendJson(res, 400, { error: 'the request body is not valid UTF-8 (JSON is UTF-8)' });
      return;
    }
    try {
      const message = parseChatMessage(text);
      // Resolves once the message is stored in the channel's history (and, with the default memory log,
      // has been written to every open page), so the 201 means it was sent.
      const id = await channel.broadcastJson(message, { event: 'chat' });
      sendJson(res, 201, { id });
    } catch (error) {
      if (error instanceof ChatInputError) {
        sendJson(res, error.status, { error: error.message });
        return;
      }
      throw error;
    }
  }

  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (pathname === '/events') {
      const session = createSession(req, res, { retry });
      if (session !== null) channel.register(session);
      return;
    }
    if (pathname === '/messages') {
      if (req.method !== 'POST') {
        res.setHeader('allow', 'POST');
        sendJson(res, 405, { error: 'send messages with POST /messages' });
        return;
      }
      postMessage(req, res).catch(() => {
        // Never show internal error text to the client.
        if (!res.headersSent) sendJson(res, 500, { error: 'the message could not be sent' });
      });
      return;
    }
    if (servePublicFile(req, res, pathname, files)) return;
    sendText(res, 404, `Not found: ${pathname}. The chat is at /, its stream at /events, POST to /messages.`);
  });
  return listenOnLoopback(server, options.port ?? DEFAULT_PORT);
}
