/**
 * Whether one more stream may open for a client address: at most `maxPerClient` open at once, and new ones
 * at most `ratePerClient` a second (after a burst of `maxPerClient`, or of 100 seconds' worth when there
 * is no count limit). A request whose address is unknown (the Fetch handler given none) is not limited.
 */
import { type HubResponse, textResponse } from '../http/hub-request.js';
import { MAX_RATE_LIMIT_KEYS } from '../limits.js';
import { KeyedRateLimits } from './keyed-rate-limits.js';

/** Releases an admitted stream's place; safe to call more than once. */
export type Release = () => void;

const NOTHING_TO_RELEASE: Release = () => {};

export class StreamAdmission {
  readonly #maxPerClient: number | null;
  readonly #open = new Map<string, number>();
  readonly #rates: KeyedRateLimits | null;

  constructor(maxPerClient: number | null, ratePerClient: number | null) {
    this.#maxPerClient = maxPerClient;
    this.#rates =
      ratePerClient === null
        ? null
        : new KeyedRateLimits(maxPerClient ?? ratePerClient * 100, ratePerClient, MAX_RATE_LIMIT_KEYS);
  }

  /** Admits a new stream from `client` (a `clientKey`), or answers why not (429). */
  admit(client: string | null): Release | HubResponse {
    if (client === null) return NOTHING_TO_RELEASE;
    const open = this.#open.get(client) ?? 0;
    if (this.#maxPerClient !== null && open >= this.#maxPerClient) {
      return textResponse(429, `too many open streams from this address (at most ${this.#maxPerClient})`, {
        'retry-after': '5',
      });
    }
    if (this.#rates !== null && !this.#rates.take(client)) {
      return textResponse(429, 'this address opens streams too fast; try again later', {
        'retry-after': String(this.#rates.retryAfterSeconds(client)),
      });
    }
    this.#open.set(client, open + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#open.get(client) ?? 1) - 1;
      if (left === 0) this.#open.delete(client);
      else this.#open.set(client, left);
    };
  }

  /** Open streams counted for `client` (for tests and the dashboard). */
  openFor(client: string): number {
    return this.#open.get(client) ?? 0;
  }
}
