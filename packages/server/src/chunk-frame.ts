/**
 * HTTP/1.1 chunked framing ([spec] RFC 9112 §7.1: `chunk = chunk-size CRLF chunk-data CRLF`) of one
 * write, for the Node adapter's direct socket writes. Sessions that flush the same shared batch in one
 * turn (a broadcast) get the same frame: one allocation for all of them, and a socket backlog that holds
 * references to it rather than copies.
 */

let lastChunk: Uint8Array | null = null;
let lastFrame: Uint8Array | null = null;

const CR = 13;
const LF = 10;

/** `chunk` as one chunk of a chunked body. `chunk` must not be empty (an empty chunk ends the body). */
export function chunkFrame(chunk: Uint8Array): Uint8Array {
  if (chunk === lastChunk) return lastFrame!;
  const size = chunk.byteLength.toString(16);
  const frame = new Uint8Array(size.length + 2 + chunk.byteLength + 2);
  for (let i = 0; i < size.length; i++) frame[i] = size.charCodeAt(i);
  frame[size.length] = CR;
  frame[size.length + 1] = LF;
  frame.set(chunk, size.length + 2);
  frame[frame.length - 2] = CR;
  frame[frame.length - 1] = LF;
  lastChunk = chunk;
  lastFrame = frame;
  return frame;
}
