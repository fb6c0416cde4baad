/** The hub on node:http: translates IncomingMessage/ServerResponse to HubRequest/HubAnswer and back. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { Session } from '@tidings/server';
import { createSession, readBody } from '@tidings/server/node';
import type { HubCore } from '../create-hub.js';
import { type HubAnswer, type HubRequest, textResponse } from './hub-request.js';

/** [spec] RFC 9113 8.2.2: headers that are about one connection; an HTTP/2 response may not carry them. */
const CONNECTION_SPECIFIC = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

function isHttp2(req: IncomingMessage): boolean {
  return req.httpVersionMajor === 2;
}

/** `headers` fit for the response to `req`: over HTTP/2 without the connection-specific ones. */
function responseHeaders(req: IncomingMessage, headers: Record<string, string>): Record<string, string> {
  if (!isHttp2(req)) return headers;
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !CONNECTION_SPECIFIC.has(name.toLowerCase())));
}

/**
 * A Response's headers for `res.writeHead`. Headers iterates Set-Cookie lines one by one under the same
 * name, so a plain object would keep only the last; they stay separate lines ([spec] RFC 6265 §3: they
 * cannot be joined with commas).
 */
function nodeHeaders(req: IncomingMessage, headers: Headers): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = responseHeaders(req, Object.fromEntries(headers));
  const cookies = headers.getSetCookie();
  if (cookies.length > 0) out['set-cookie'] = cookies;
  return out;
}

function toHubRequest(req: IncomingMessage): HubRequest {
  // [spec] RFC 9113 8.3.1: an HTTP/2 request names its host in `:authority` (Host is optional); over TLS
  // the scheme is https, so that the hub's own origin (for cookie publishing, CORS) is the one browsers send.
  const scheme = (req.socket as { encrypted?: boolean }).encrypted === true ? 'https' : 'http';
  const authority = req.headers.host ?? req.headers[':authority'];
  let url: URL;
  try {
    url = new URL(req.url ?? '/', `${scheme}://${typeof authority === 'string' ? authority : 'localhost'}`);
  } catch {
    url = new URL('http://localhost/');
  }
  return {
    method: req.method ?? 'GET',
    url,
    peerAddress: req.socket.remoteAddress ?? null,
    header(name) {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(', ') : value;
    },
    readBody: (maxBytes) => readBody(req, maxBytes),
  };
}

/** Methods the Fetch standard forbids in a Request: handlers added with `hub.use()` can never see them. */
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

async function passOn(core: HubCore, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (FORBIDDEN_METHODS.has((req.method ?? '').toUpperCase())) {
    // `new Request()` would throw on them: answer here instead of failing with a 500 per request.
    send(req, res, textResponse(405, `method ${req.method} is not supported`, { allow: 'GET, HEAD, POST, OPTIONS' }));
    return;
  }
  if (core.extraHandlers.length > 0) {
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      // HTTP/2 pseudo-headers (`:path`, `:authority`) are no header names; the URL already holds them.
      if (value !== undefined && !name.startsWith(':')) {
        headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
    }
    const controller = new AbortController();
    res.on('close', () => controller.abort());
    const request = new Request(url, {
      method: req.method ?? 'GET',
      headers,
      signal: controller.signal,
      ...(hasBody && { body: Readable.toWeb(req) as ReadableStream, duplex: 'half' }),
    } as RequestInit);
    for (const handler of core.extraHandlers) {
      const response = await handler(request);
      if (response) {
        res.writeHead(response.status, nodeHeaders(req, response.headers));
        if (response.body === null) {
          res.end();
          return;
        }
        res.flushHeaders();
        // Read the body by hand so that a client leaving cancels it: a stream that never ends on its own
        // (an event stream) would otherwise keep this loop, and the handler behind it, waiting forever.
        const reader = response.body.getReader();
        const cancel = () => void reader.cancel().catch(() => {});
        controller.signal.addEventListener('abort', cancel, { once: true });
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done || controller.signal.aborted) break;
            if (!res.write(value)) {
              await new Promise((resolve) => {
                res.once('drain', resolve);
                res.once('close', resolve);
              });
            }
          }
        } catch {
          // the body failed or was cancelled: end the response as it is
        } finally {
          controller.signal.removeEventListener('abort', cancel);
          res.end();
        }
        return;
      }
    }
  }
  send(req, res, textResponse(404, 'not found'));
}

function send(req: IncomingMessage, res: ServerResponse, answer: Exclude<HubAnswer, { kind: 'stream' }>): void {
  res.writeHead(answer.status, responseHeaders(req, answer.headers));
  res.end(answer.body);
}

/** The node:http request listener of a hub. */
export function listenNode(core: HubCore): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const request = toHubRequest(req);
    core
      .answer(request)
      .then((answer) => {
        if (answer === null) return passOn(core, req, res, request.url);
        if (answer.kind === 'response') return send(req, res, answer);
        let session: Session | null;
        try {
          session = createSession(req, res, {
            ...core.sessionOptions,
            headers: answer.headers,
            lastEventId: answer.lastEventId,
          });
        } catch (error) {
          answer.start(null); // the stream never opened: let the route unregister its subscriber
          throw error;
        }
        answer.start(session);
      })
      .catch((error: unknown) => {
        core.log.error('request failed', { error: error instanceof Error ? error.name : 'unknown' });
        if (!res.headersSent) send(req, res, textResponse(500, 'internal error'));
        else res.destroy();
      });
  };
}
