import type { FeedListener, LogEntry } from './event-log.js';

/**
 * The listeners of a log's feed, for every log: `follow` adds one, each entry goes to all of them.
 * One failing listener must not stop the others, nor the feed, nor fail the append (the entry is
 * stored): its error is rethrown on its own, where the process reports it.
 */
export class FeedListeners {
  readonly #listeners = new Set<FeedListener>();

  get size(): number {
    return this.#listeners.size;
  }

  /** Adds a listener; returns the function that removes it. Following twice gives two deliveries and two stops. */
  add(listener: FeedListener): () => void {
    if (typeof listener !== 'function') throw new TypeError('follow needs a function (entry) => void');
    const own = (entry: LogEntry) => listener(entry);
    this.#listeners.add(own);
    return () => {
      this.#listeners.delete(own);
    };
  }

  emit(entry: LogEntry): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(entry);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}
