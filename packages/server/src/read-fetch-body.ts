import { BodyBuffer } from './body-buffer.js';

/**
 * Reads a web-standard Request's body into memory, at most `maxBytes` of it: for a POST endpoint next to
 * an event stream (a chat's messages, say). Resolves with the bytes, or with null when the body is
 * larger (answer 413): a declared `Content-Length` over the limit is refused before anything is read,
 * and otherwise reading stops, and the body is cancelled, at the first chunk past it.
 */
export async function readFetchBody(request: Request, maxBytes: number): Promise<Uint8Array | null> {
  const buffer = new BodyBuffer(maxBytes);
  if (buffer.refuses(request.headers.get('content-length'))) return null;
  if (request.body === null) return new Uint8Array();
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return buffer.bytes();
    if (!buffer.add(value)) {
      await reader.cancel().catch(() => {});
      return null;
    }
  }
}
