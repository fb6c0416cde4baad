import { encodeComment, encodeEvent } from '@tidings/protocol';
import { batchBytes } from './batch-bytes.js';
import { ServerError, type ServerErrorCode } from './errors.js';
import { scheduleFlush } from './flush-scheduler.js';
import { joinKeepAlive } from './keep-alive.js';
import type { ResolvedSessionOptions } from './session-options.js';

/** The optional fields of one pushed event. */
export interface PushOptions {
  /** Event type (`event:`); the client dispatches it under this name instead of `message`. */
  event?: string;
  /** Event id (`id:`); the client sends it back as `Last-Event-ID` when it reconnects. */
  id?: string;
  /** Reconnection delay hint in milliseconds (`retry:`). */
  retry?: number;
}

/** What an adapter reports to its session. */
export interface TransportEvents {
  /** The transport accepts writes again after `write` returned false. */
  drained(): void;
  /** The client went away. */
  gone(): void;
}

/** The byte sink under a session: a Node response, a web ReadableStream. */
export interface Transport {
  attach(events: TransportEvents): void;
  /** Writes one chunk; returns false when the session should wait for `drained` before writing more. */
  write(chunk: Uint8Array): boolean;
  /** Ends the response normally (after what was written). */
  end(): void;
  /** Aborts the response at once. */
  destroy(): void;
}

/** How a session was opened, as decided by the handshake (internal: sessions are made by the adapters). */
export interface SessionInit {
  lastEventId: string;
  polling: boolean;
  options: ResolvedSessionOptions;
}

const encoder = new TextEncoder();
// A comment line plus a blank line: old polyfills only parse on blank lines.
const KEEP_ALIVE = encoder.encode(':\n\n');

const CLOSE_MESSAGES: Record<ServerErrorCode, string> = {
  SESSION_CLOSED: 'the session was closed by the server',
  CLIENT_GONE: 'the client went away',
  SLOW_CLIENT: 'the client did not read fast enough; its outgoing buffer overflowed',
  POLL_COMPLETE: 'the polling response is complete',
};

/** Writes that only the channel makes: they carry no event, so they do not start a poll's linger. */
export const writeControl: unique symbol = Symbol('tidings.writeControl');

/**
 * One client's event stream. Writes made in the same tick are coalesced into one transport write.
 * Every write after the client has gone is ignored; none throws for that reason.
 */
/** What `Session.state` holds by default: any fields the application puts there. */
export type DefaultSessionState = Record<string, unknown>;

export class Session<State = DefaultSessionState> {
  /** The client's last event id: `Last-Event-ID` header, else `lastEventId` query parameter, else ''. */
  readonly lastEventId: string;
  /** Whether this is a polling response, which ends shortly after its first event. */
  readonly polling: boolean;
  /**
   * Free space for the application (user id, topics), e.g. for a channel's `select`. Starts empty: give
   * its type as `createSession<{ user?: string }>(…)` and fill it in.
   */
  readonly state: State = {} as State;

  #transport: Transport | null;
  readonly #options: ResolvedSessionOptions;
  // Made when first asked for: most sessions never are, and a controller with its signal is the largest
  // object a session would otherwise carry (thousands of idle connections add up).
  #controller: AbortController | null = null;
  #closeReason: ServerError | null = null;
  /** Reused from flush to flush: one array per session for its whole life, not one per write. */
  readonly #queue: Uint8Array[] = [];
  #queued = 0;
  #ready = true;
  #flushScheduled = false;
  #dropped = 0;
  #closeListeners: Array<() => void> | null = null;
  #drainWaiters: Array<() => void> | null = null;
  #leaveKeepAlive: (() => void) | null = null;
  #pollTimer: ReturnType<typeof setTimeout> | null = null;
  #lingerTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(init: SessionInit, transport: Transport) {
    this.lastEventId = init.lastEventId;
    this.polling = init.polling;
    this.#options = init.options;
    this.#transport = transport;
    transport.attach({ drained: () => this.#drained(), gone: () => this.#finish('CLIENT_GONE') });
    const { retry, keepAliveMs, polling } = init.options;
    if (retry !== null) this.#enqueue(encodeEvent({ retry }), false);
    if (keepAliveMs !== null) {
      this.#leaveKeepAlive = joinKeepAlive(() => {
        // A client with bytes still pending gets nothing more: it is not idle, it is slow.
        if (this.#queued === 0 && this.#ready) this.#enqueue(KEEP_ALIVE, false);
      }, keepAliveMs);
    }
    if (init.polling && polling !== null) {
      this.#pollTimer = setTimeout(() => this.#finish('POLL_COMPLETE'), polling.timeout);
    }
  }

  /** Aborts when the session closes, whoever closed it; `signal.reason` is a ServerError saying why. */
  get signal(): AbortSignal {
    if (this.#controller === null) {
      this.#controller = new AbortController();
      if (this.#closeReason !== null) this.#controller.abort(this.#closeReason);
    }
    return this.#controller.signal;
  }

  /** False once the session has closed. */
  get connected(): boolean {
    return this.#transport !== null;
  }

  /** Bytes written but not yet taken by the transport. */
  get bufferedBytes(): number {
    return this.#queued;
  }

  /** Events dropped under the `drop-oldest` policy. */
  get droppedEvents(): number {
    return this.#dropped;
  }

  /** Sends one event. Throws a ProtocolError when `event` or `id` contains CR, LF or NUL. */
  push(data: string, options: PushOptions = {}): void {
    const bytes = encodeEvent({ ...options, data });
    if (this.#transport !== null) this.#enqueue(bytes, true);
  }

  /** Sends `JSON.stringify(value)` as the event data. */
  pushJson(value: unknown, options: PushOptions = {}): void {
    const data = JSON.stringify(value);
    if (data === undefined)
      throw new TypeError('pushJson needs a JSON-serializable value (not undefined or a function)');
    this.push(data, options);
  }

  /** Sends a comment (`: text`), which clients ignore; useful for diagnostics. */
  comment(text = ''): void {
    const bytes = encodeComment(text);
    if (this.#transport !== null) this.#enqueue(bytes, false);
  }

  /**
   * Sends already-serialized event-stream text (from `formatEvent`/`encodeEvent`), so one event can be
   * serialized once and the same bytes written to many sessions. The text must end with a blank line.
   */
  write(serialized: string | Uint8Array): void {
    if (this.#transport === null) return;
    this.#enqueue(typeof serialized === 'string' ? encoder.encode(serialized) : serialized, true);
  }

  /** @internal A write that carries no event (position markers, resets): it does not start a poll's linger. */
  [writeControl](bytes: Uint8Array): void {
    if (this.#transport !== null) this.#enqueue(bytes, false);
  }

  /** Resolves when everything written has been taken by the transport, or the session closed. */
  whenDrained(): Promise<void> {
    if (this.#transport === null || (this.#queued === 0 && this.#ready)) return Promise.resolve();
    return new Promise((resolve) => {
      this.#drainWaiters ??= [];
      this.#drainWaiters.push(resolve);
    });
  }

  /** Ends the response after what was already written. */
  close(): void {
    this.#finish('SESSION_CLOSED');
  }

  /** Calls `listener` once when the session closes (at once if it already has). Returns a remover. */
  onClose(listener: () => void): () => void {
    if (this.#transport === null) {
      listener();
      return () => {};
    }
    this.#closeListeners ??= [];
    this.#closeListeners.push(listener);
    // Each remover takes away its own registration, once: a function added twice is called twice.
    let removed = false;
    return () => {
      const index = removed ? -1 : (this.#closeListeners?.indexOf(listener) ?? -1);
      removed = true;
      if (index !== -1) this.#closeListeners!.splice(index, 1);
    };
  }

  #enqueue(bytes: Uint8Array, isEvent: boolean): void {
    const max = this.#options.maxBufferedBytes;
    if (this.#queued + bytes.byteLength > max && this.#ready) this.#flush();
    if (this.#transport === null) return;
    // The bound is on a backlog that does not drain: an empty queue takes any one event, however large,
    // so a client that keeps up is never cut off for one big write.
    if (this.#queued > 0 && this.#queued + bytes.byteLength > max) {
      if (this.#options.slowClient === 'disconnect') {
        this.#finish('SLOW_CLIENT');
        return;
      }
      // drop-oldest: whole events leave the front of the queue until the new one fits.
      while (this.#queue.length > 0 && this.#queued + bytes.byteLength > max) {
        this.#queued -= this.#queue.shift()!.byteLength;
        this.#dropped++;
      }
    }
    this.#queue.push(bytes);
    this.#queued += bytes.byteLength;
    const polling = this.#options.polling;
    if (isEvent && this.polling && polling !== null && this.#lingerTimer === null) {
      this.#lingerTimer = setTimeout(() => this.#finish('POLL_COMPLETE'), polling.linger);
    }
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      // Everything written in this turn of the event loop goes out in one transport write.
      scheduleFlush(this.#flushBound);
    }
  }

  readonly #flushBound = () => this.#flush();

  #flush(): void {
    this.#flushScheduled = false;
    const transport = this.#transport;
    if (transport === null || !this.#ready || this.#queued === 0) return;
    const chunk = batchBytes(this.#queue, this.#queued);
    this.#queue.length = 0;
    this.#queued = 0;
    this.#ready = transport.write(chunk);
    if (this.#ready) this.#notifyDrained();
  }

  #drained(): void {
    this.#ready = true;
    this.#flush();
    if (this.#ready && this.#queued === 0) this.#notifyDrained();
  }

  #notifyDrained(): void {
    const waiters = this.#drainWaiters;
    if (waiters === null || waiters.length === 0) return;
    this.#drainWaiters = null;
    for (const resolve of waiters) resolve();
  }

  #finish(code: ServerErrorCode): void {
    const transport = this.#transport;
    if (transport === null) return;
    this.#transport = null;
    if (code === 'SESSION_CLOSED' || code === 'POLL_COMPLETE') {
      if (this.#queued > 0) transport.write(batchBytes(this.#queue, this.#queued));
      transport.end();
    } else if (code === 'SLOW_CLIENT') {
      transport.destroy();
    }
    this.#queue.length = 0;
    this.#queued = 0;
    this.#leaveKeepAlive?.();
    this.#leaveKeepAlive = null;
    if (this.#pollTimer !== null) clearTimeout(this.#pollTimer);
    if (this.#lingerTimer !== null) clearTimeout(this.#lingerTimer);
    this.#closeReason = new ServerError(code, CLOSE_MESSAGES[code]);
    this.#controller?.abort(this.#closeReason);
    this.#notifyDrained();
    const listeners = this.#closeListeners ?? [];
    this.#closeListeners = null;
    for (const listener of listeners) {
      try {
        listener();
      } catch (error) {
        // One failing listener must not stop the others; the error still surfaces.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
