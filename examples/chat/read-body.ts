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

/** Resolves with the body text; rejects with BodyTooLargeError as soon as more than `limit` bytes arrive. */
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
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
