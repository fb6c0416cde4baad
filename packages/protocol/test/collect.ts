import { createParser, type ParsedEvent, type ParserOptions, type ProtocolError } from '@tidings/protocol';

export interface Collected {
  events: ParsedEvent[];
  comments: string[];
  retries: number[];
  errors: ProtocolError[];
  lastEventId: string;
}

/** Feeds every chunk to a fresh parser and collects everything it reports. */
export function collect(chunks: Iterable<string | Uint8Array>, options: ParserOptions = {}): Collected {
  const out: Collected = { events: [], comments: [], retries: [], errors: [], lastEventId: '' };
  const parser = createParser(
    {
      onEvent: (event) => out.events.push(event),
      onComment: (comment) => out.comments.push(comment),
      onRetry: (ms) => out.retries.push(ms),
      onError: (error) => out.errors.push(error),
    },
    options,
  );
  for (const chunk of chunks) parser.feed(chunk);
  out.lastEventId = parser.lastEventId;
  return out;
}

/** A deterministic pseudo-random generator (mulberry32), so a failing seed can be replayed. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Splits `input` at `positions` (each from 0 to its length; repeats and any order allowed). */
export function splitAtPositions<T extends string | Uint8Array>(input: T, positions: Iterable<number>): T[] {
  const sorted = [...new Set(positions)].sort((a, b) => a - b);
  const chunks: T[] = [];
  let start = 0;
  for (const position of sorted) {
    chunks.push(input.slice(start, position) as T);
    start = position;
  }
  chunks.push(input.slice(start) as T);
  return chunks;
}

/** Splits `input` at `count` random points. */
export function splitAtRandom<T extends string | Uint8Array>(input: T, next: () => number, count: number): T[] {
  return splitAtPositions(
    input,
    Array.from({ length: count }, () => Math.floor(next() * (input.length + 1))),
  );
}

export const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
