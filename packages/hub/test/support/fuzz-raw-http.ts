// Raw HTTP/1.1 over node:net, for requests fetch refuses to send: a Content-Length that is not the body's
// length, broken chunked framing, bytes that are not Latin-1 in a header, pipelined garbage.
import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
}

/** How long one raw exchange may take before the socket is dropped: the hub answers in milliseconds. */
const RAW_EXCHANGE_TIMEOUT_MS = 10_000;

/** One response at the start of `raw`, and where the next starts; null when it is not complete. */
function parseOne(raw: Buffer, closed: boolean): { response: RawResponse; rest: Buffer } | null {
  const headEnd = raw.indexOf('\r\n\r\n');
  if (headEnd === -1) return null;
  const [statusLine = '', ...headerLines] = raw.subarray(0, headEnd).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? Number.NaN);
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let rest = raw.subarray(headEnd + 4);
  let body: Buffer;
  if (headers['content-length'] !== undefined) {
    const length = Number(headers['content-length']);
    if (rest.length < length)
      return closed ? { response: { status, headers, body: rest.toString() }, rest: Buffer.alloc(0) } : null;
    body = rest.subarray(0, length);
    rest = rest.subarray(length);
  } else if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    const parts: Buffer[] = [];
    for (;;) {
      const lineEnd = rest.indexOf('\r\n');
      if (lineEnd === -1)
        return closed ? { response: { status, headers, body: Buffer.concat(parts).toString() }, rest } : null;
      const size = Number.parseInt(rest.subarray(0, lineEnd).toString(), 16);
      if (rest.length < lineEnd + 2 + size + 2)
        return closed ? { response: { status, headers, body: Buffer.concat(parts).toString() }, rest } : null;
      parts.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
      rest = rest.subarray(lineEnd + 2 + size + 2);
      if (size === 0) break;
    }
    body = Buffer.concat(parts);
  } else {
    if (!closed) return null; // the body runs to the end of the connection
    body = rest;
    rest = Buffer.alloc(0);
  }
  return { response: { status, headers, body: body.toString() }, rest };
}

export interface RawExchange {
  responses: RawResponse[];
  /** True when the hub opened an event stream (the exchange stops there). */
  stream: boolean;
}

/**
 * Sends `request` on a new connection and reads every response until the hub closes the connection (the
 * request should say `Connection: close`). With `endAfterSending`, the sending side is closed after the
 * request, as by a client that goes away: a body shorter than its Content-Length then ends there instead of
 * waiting for the request timeout (Node aborts a request whose client ended its side, answered or not). An
 * event stream is cut as soon as its head has arrived.
 */
export function rawExchange(port: number, request: Uint8Array, endAfterSending = false): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received: Buffer = Buffer.alloc(0);
    let settled = false;
    const finish = (stream: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const responses: RawResponse[] = [];
      let rest: Buffer = received;
      for (;;) {
        const one = parseOne(rest, true);
        if (one === null) break;
        responses.push(one.response);
        if (one.rest.length === rest.length) break;
        rest = one.rest;
        if (rest.length === 0) break;
      }
      resolve({ responses, stream });
    };
    const timer = setTimeout(() => {
      settled = true;
      socket.destroy();
      reject(
        new Error(
          `no end of the exchange within ${RAW_EXCHANGE_TIMEOUT_MS} ms; received:\n${received.toString('latin1')}`,
        ),
      );
    }, RAW_EXCHANGE_TIMEOUT_MS);
    socket.on('connect', () => (endAfterSending ? socket.end(request) : socket.write(request)));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const head = received.indexOf('\r\n\r\n');
      if (head !== -1 && /^content-type: *text\/event-stream/im.test(received.subarray(0, head).toString('latin1'))) {
        finish(true);
      }
    });
    // A reset after the answer is how a server may end a connection whose request it refused.
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
  });
}
