// Reads a request body as UTF-8 text, refusing bodies over a limit without holding more than the limit.
import type { IncomingMessage } from 'node:http';

/** The body was larger than allowed (HTTP 413). */
export class BodyTooLargeError extends Error {
  readonly code = 'BODY_TOO_LARGE';
  readonly status = 413;
  constructor(limit: number) {
    super(`the request body is larger than ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** The body was not UTF-8 (HTTP 400): refused, rather than shown to the room with U+FFFD in it. */
export class BodyNotUtf8Error extends Error {
  readonly code = 'BODY_NOT_UTF8';
  readonly status = 400;
  constructor() {
    super('the request body is not valid UTF-8 (JSON is UTF-8)');
    this.name = 'BodyNotUtf8Error';
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Resolves with the body text; rejects with BodyTooLargeError as soon as more than `limit` bytes arrive,
 * and with BodyNotUtf8Error when the bytes are not UTF-8.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new BodyTooLargeError(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume(); // Drain the rest without keeping it, so the 413 answer can still be sent.
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(strictUtf8.decode(Buffer.concat(chunks)));
      } catch {
        reject(new BodyNotUtf8Error());
      }
    });
    req.on('error', reject);
  });
}
