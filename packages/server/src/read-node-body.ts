import type { IncomingMessage } from 'node:http';
import { type Http2ServerRequest, constants as http2, type ServerHttp2Stream } from 'node:http2';
import { BodyBuffer } from './body-buffer.js';
import { MAX_DISCARD_BYTES } from './limits.js';

/**
 * Reads a Node request's body into memory, at most `maxBytes` of it: for a POST endpoint next to an
 * event stream (a chat's messages, say). Resolves with the bytes, or with null when the body is larger:
 * answer 413 then, and the client will read it.
 * - HTTP/1.1: the rest of the body is read and dropped before it resolves, so the client has finished
 *   sending when the 413 goes out (one still writing when the connection closes sees a reset, not the
 *   answer). Past MAX_DISCARD_BYTES, or a declared `Content-Length` past it, the connection is cut.
 * - HTTP/2: it resolves at once; once the answer is sent the stream is reset with NO_ERROR
 *   ([spec] RFC 9113 §8.1: the client stops sending, and no error is reported), and the connection's
 *   other streams go on.
 */
export function readBody(req: IncomingMessage | Http2ServerRequest, maxBytes: number): Promise<Uint8Array | null> {
  const buffer = new BodyBuffer(maxBytes);
  const request = req as IncomingMessage;
  const refuse = (): Promise<null> => {
    if (request.httpVersionMajor === 2) {
      const stream = (req as { stream?: ServerHttp2Stream }).stream;
      stream?.once('finish', () => stream.close(http2.NGHTTP2_NO_ERROR));
      return Promise.resolve(null);
    }
    return discardRest(request, buffer.total).then(() => null);
  };
  const declared = request.headers['content-length'];
  if (buffer.refuses(declared)) {
    const reading = refuse();
    // Too much to read just to be polite: answer at once (the connection is cut past the cap anyway).
    return Number(declared) > MAX_DISCARD_BYTES ? Promise.resolve(null) : reading;
  }
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      if (buffer.add(chunk)) return;
      cleanup();
      refuse().then(resolve);
    };
    const onEnd = () => {
      cleanup();
      resolve(buffer.bytes());
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
  });
}

/** Reads and drops the rest of an oversized HTTP/1.1 body; resolves once it ended or the connection was cut. */
function discardRest(req: IncomingMessage, alreadyRead: number): Promise<void> {
  return new Promise((resolve) => {
    let discarded = alreadyRead;
    req.on('data', (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > MAX_DISCARD_BYTES) {
        req.socket.destroy();
        resolve();
      }
    });
    req.on('end', () => resolve());
    req.on('close', () => resolve());
    req.on('error', () => resolve());
    req.resume();
  });
}
