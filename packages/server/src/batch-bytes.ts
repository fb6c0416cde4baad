/**
 * The bytes of several queued writes as one chunk, shared between sessions. A broadcast queues the same
 * encoded events, in the same order, on every subscriber; when they flush in one turn of the event loop,
 * the first session's concatenation is handed to the next ones too. So a turn that carries five events to
 * 10,000 subscribers allocates and copies one buffer, not 10,000, and a backlog waiting in the sockets'
 * write queues holds that one buffer many times over, not a copy per socket.
 */

let lastParts: Uint8Array[] = [];
let lastBatch: Uint8Array | null = null;

function sameParts(parts: readonly Uint8Array[]): boolean {
  if (parts.length !== lastParts.length) return false;
  for (let i = 0; i < parts.length; i++) if (parts[i] !== lastParts[i]) return false;
  return true;
}

/** `parts` joined (`total` bytes in all); the same buffer as last time when the parts are the same objects. */
export function batchBytes(parts: readonly Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  if (lastBatch !== null && sameParts(parts)) return lastBatch;
  const batch = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    batch.set(part, offset);
    offset += part.byteLength;
  }
  // A copy of the list: the caller reuses its array for the next writes.
  lastParts = parts.slice();
  lastBatch = batch;
  return batch;
}
