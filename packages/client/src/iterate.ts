import { DEFAULT_MAX_QUEUED_BYTES, DEFAULT_MAX_QUEUED_EVENTS } from './defaults.js';
import { EventSourceErrorEvent } from './error-event.js';
import { EventSourceError } from './errors.js';
import { EventSource, readGate } from './event-source.js';
import type { EventSourceOptions } from './options.js';

export interface IterateOptions extends EventSourceOptions {
  /**
   * Events held while the loop body is busy; at it, reading the stream pauses (TCP back-pressure) until
   * the loop catches up. Default 10000.
   */
  maxQueuedEvents?: number;
  /**
   * Bytes of event data held while the loop body is busy (two per UTF-16 code unit: what the strings take
   * at most); at it, reading pauses too. Default 4194304 (4 MiB).
   */
  maxQueuedBytes?: number;
  /** Called each time a connection opens. Default none. */
  onOpen?: () => void;
  /** Called with every error event, also those followed by a reconnection. Default none. */
  onError?: (event: EventSourceErrorEvent) => void;
}

/**
 * The events of a stream as an async iterator: every event, whatever its type (`event.type`), with
 * the EventSource's reconnection rules. It ends (done) when `signal` aborts, when the loop is left
 * (break or return closes the stream), or when the server ends the stream and no reconnection follows
 * (`reconnect: null`). It throws an EventSourceError (with `code` and `status`) when the connection
 * fails for good: a status other than 200, a wrong Content-Type, or reconnection given up.
 */
export function iterate(url: string | URL, options: IterateOptions = {}): AsyncIterableIterator<MessageEvent<string>> {
  const {
    maxQueuedEvents = DEFAULT_MAX_QUEUED_EVENTS,
    maxQueuedBytes = DEFAULT_MAX_QUEUED_BYTES,
    onOpen,
    onError,
    ...sourceOptions
  } = options ?? {};
  for (const [name, value] of [
    ['maxQueuedEvents', maxQueuedEvents],
    ['maxQueuedBytes', maxQueuedBytes],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new TypeError(`options.${name} must be a positive integer, got ${String(value)}`);
    }
  }
  for (const [name, value] of [
    ['onOpen', onOpen],
    ['onError', onError],
  ] as const) {
    if (value !== undefined && typeof value !== 'function') throw new TypeError(`options.${name} must be a function`);
  }

  const queue: MessageEvent<string>[] = [];
  let head = 0; // queue[head] is the next event: shift() would copy the array each time
  let queuedBytes = 0;
  let resumeReading: (() => void) | undefined;
  const full = () => queue.length - head >= maxQueuedEvents || queuedBytes >= maxQueuedBytes;
  let ended = false;
  let failure: EventSourceError | undefined;
  let waiters: (() => void)[] = [];
  const wake = () => {
    const woken = waiters;
    waiters = [];
    for (const resolve of woken) resolve();
  };
  const signal = sourceOptions.signal;
  const onAbort = () => finish(undefined);

  // Sees every event the EventSource dispatches, named ones included, without a listener per type.
  class IteratedEventSource extends EventSource {
    override dispatchEvent(event: Event): boolean {
      if (event instanceof MessageEvent) {
        // Reading pauses when the queue is full (below), so it grows past the bounds by one read at most.
        queue.push(event as MessageEvent<string>);
        queuedBytes += (event.data as string).length * 2;
        wake();
      } else if (event instanceof EventSourceErrorEvent) {
        onError?.(event);
        if (this.readyState === EventSource.CLOSED) {
          const cleanEnd = event.code === 'STREAM_ENDED' && event.cause === undefined;
          const options = event.cause === undefined ? undefined : { cause: event.cause };
          finish(cleanEnd ? undefined : new EventSourceError(event.code, event.message, event.status, options));
        }
      } else if (event.type === 'open') {
        onOpen?.();
      }
      return super.dispatchEvent(event);
    }

    override [readGate](): Promise<void> | undefined {
      if (!full() || ended) return undefined;
      return new Promise((resolve) => {
        resumeReading = resolve;
      });
    }
  }

  const source = new IteratedEventSource(url, sourceOptions);
  if (signal?.aborted) ended = true;
  else signal?.addEventListener('abort', onAbort, { once: true });

  function finish(error: EventSourceError | undefined): void {
    if (ended) return;
    ended = true;
    failure = error;
    source.close();
    signal?.removeEventListener('abort', onAbort);
    wake();
    resumeReading?.();
  }

  return {
    async next(): Promise<IteratorResult<MessageEvent<string>, undefined>> {
      for (;;) {
        if (head < queue.length) {
          const value = queue[head]!;
          queue[head++] = undefined as unknown as MessageEvent<string>;
          queuedBytes -= value.data.length * 2;
          if (head === queue.length) {
            queue.length = 0;
            head = 0;
          }
          if (resumeReading !== undefined && !full()) {
            const resume = resumeReading;
            resumeReading = undefined;
            resume();
          }
          return { value, done: false };
        }
        if (ended) {
          const error = failure;
          failure = undefined;
          if (error) throw error;
          return { value: undefined, done: true };
        }
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    async return(): Promise<IteratorResult<MessageEvent<string>, undefined>> {
      finish(undefined);
      queue.length = 0;
      head = 0;
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
