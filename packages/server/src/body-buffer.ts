/**
 * The byte limit of a request body, shared by `readBody` (`@tidings/server/node`) and `readFetchBody`
 * (`@tidings/server/fetch`): chunks are kept until one more would pass the limit, so no more than the
 * limit is ever held in memory.
 */
export class BodyBuffer {
  readonly #maxBytes: number;
  readonly #chunks: Uint8Array[] = [];
  #total = 0;

  constructor(maxBytes: number) {
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
      throw new TypeError(`maxBytes must be a whole number of bytes such as 65536; got ${String(maxBytes)}`);
    }
    this.#maxBytes = maxBytes;
  }

  /** Bytes taken so far (including the chunk that passed the limit). */
  get total(): number {
    return this.#total;
  }

  /** True when a declared `Content-Length` already passes the limit: no need to read anything. */
  refuses(contentLength: string | null | undefined): boolean {
    const declared = Number(contentLength ?? Number.NaN);
    return Number.isFinite(declared) && declared > this.#maxBytes;
  }

  /** Takes one chunk; false (keeping nothing more) once the body passes the limit. */
  add(chunk: Uint8Array): boolean {
    this.#total += chunk.byteLength;
    if (this.#total > this.#maxBytes) return false;
    this.#chunks.push(chunk);
    return true;
  }

  /** The body read so far, as one array. */
  bytes(): Uint8Array {
    const body = new Uint8Array(this.#total);
    let offset = 0;
    for (const chunk of this.#chunks) {
      body.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return body;
  }
}
