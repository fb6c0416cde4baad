import { once } from 'node:events';
import { createServer, get, type IncomingMessage, type RequestListener, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createParser, type ParsedEvent } from '@tidings/protocol';
import type { Session } from '@tidings/server';
import { createSession, type NodeSessionOptions } from '@tidings/server/node';

/** A real HTTP server on 127.0.0.1, on an ephemeral port. */
export interface TestServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function listen(handler: RequestListener): Promise<TestServer> {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** A server whose every request opens a session; `onSession` gets each one with its request. */
export async function sessionServer(
  options: NodeSessionOptions,
  onSession: (session: Session, req: IncomingMessage) => void = () => {},
): Promise<TestServer & { sessions: Session[] }> {
  const sessions: Session[] = [];
  const server = await listen((req, res) => {
    const session = createSession(req, res, options);
    if (session === null) return;
    sessions.push(session);
    onSession(session, req);
  });
  return { ...server, sessions };
}

/** An event-stream response being read and parsed. */
export interface Stream {
  res: IncomingMessage;
  events: ParsedEvent[];
  comments: string[];
  retries: number[];
  raw: string;
  /** Resolves when the response has ended (or the connection closed). */
  ended: Promise<void>;
  /** Waits until `predicate` holds, re-checking on every chunk; rejects when the stream ends first. */
  waitFor(predicate: () => boolean, what?: string): Promise<void>;
  close(): void;
}

export async function openStream(url: string, headers: Record<string, string> = {}): Promise<Stream> {
  const req = get(url, { headers: { accept: 'text/event-stream', ...headers } });
  const [res] = (await once(req, 'response')) as [IncomingMessage];
  return readStream(res, () => req.destroy());
}

export function readStream(res: IncomingMessage, close: () => void): Stream {
  const stream: Stream = {
    res,
    events: [],
    comments: [],
    retries: [],
    raw: '',
    ended: Promise.resolve(),
    waitFor: async () => {},
    close,
  };
  const parser = createParser({
    onEvent: (event) => stream.events.push(event),
    onComment: (comment) => stream.comments.push(comment),
    onRetry: (ms) => stream.retries.push(ms),
  });
  const waiters = new Set<() => void>();
  let done = false;
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    stream.raw += chunk;
    parser.feed(chunk);
    for (const check of [...waiters]) check();
  });
  stream.ended = new Promise((resolve) => {
    const finish = () => {
      done = true;
      for (const check of [...waiters]) check();
      resolve();
    };
    res.on('end', finish);
    res.on('close', finish);
    res.on('error', () => {});
  });
  stream.waitFor = (predicate, what = 'condition') =>
    new Promise((resolve, reject) => {
      const check = () => {
        if (predicate()) {
          waiters.delete(check);
          resolve();
        } else if (done) {
          waiters.delete(check);
          reject(new Error(`stream ended before ${what}; got ${JSON.stringify(stream.raw.slice(-500))}`));
        }
      };
      waiters.add(check);
      check();
    });
  return stream;
}

/** A plain request whose whole body is read (for 400/406/preflight answers). */
export async function fetchText(
  url: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: IncomingMessage['headers']; body: string }> {
  const req = request(url, { method: options.method ?? 'GET', headers: options.headers ?? {} });
  req.end();
  const [res] = (await once(req, 'response')) as [IncomingMessage];
  let body = '';
  res.setEncoding('utf8');
  for await (const chunk of res) body += chunk;
  return { status: res.statusCode ?? 0, headers: res.headers, body };
}

/** Resolves when `predicate` holds, checking every few milliseconds; for conditions with no event to wait on. */
export async function until(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Decodes an HTTP/1.1 chunked body read from a raw socket (as latin1 text), calling `onChunk` with the
 * payload of each chunk as it arrives (a chunk may be reported in parts) and `onChunkEnd` after each chunk.
 */
export function chunkedDecoder(
  onChunk: (payload: string) => void,
  onChunkEnd: () => void = () => {},
): (data: string) => void {
  let buffer = '';
  let remaining = 0;
  let state: 'size' | 'payload' | 'crlf' = 'size';
  return (data) => {
    buffer += data;
    for (;;) {
      if (state === 'size') {
        const end = buffer.indexOf('\r\n');
        if (end < 0) return;
        remaining = Number.parseInt(buffer.slice(0, end), 16);
        buffer = buffer.slice(end + 2);
        state = 'payload';
      } else if (state === 'payload') {
        if (buffer.length === 0 && remaining > 0) return;
        const take = Math.min(remaining, buffer.length);
        if (take > 0) onChunk(buffer.slice(0, take));
        buffer = buffer.slice(take);
        remaining -= take;
        if (remaining === 0) {
          state = 'crlf';
          onChunkEnd();
        }
      } else {
        if (buffer.length < 2) return;
        buffer = buffer.slice(2);
        state = 'size';
      }
    }
  };
}
