import { createParser, type EventStreamParser, type ParsedEvent, type ProtocolError } from '@tidings/protocol';
import { DEFAULT_RECONNECTION_TIME } from './defaults.js';
import { baseUrl, isBrowserLike } from './environment.js';
import { EventSourceErrorEvent, type EventSourceErrorEventInit } from './error-event.js';
import type { EventSourceErrorCode } from './errors.js';
import { isEventStreamContentType } from './mime.js';
import { type OpenedStream, openStream } from './open-stream.js';
import { type EventSourceOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { backoffDelay } from './reconnect-policy.js';
import { distrust, trust } from './trusted-events.js';

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 2;
type ReadyState = typeof CONNECTING | typeof OPEN | typeof CLOSED;

/** The events an EventSource fires, by type; any other type is a MessageEvent named by `event:`. */
export interface EventSourceEventMap {
  open: Event;
  message: MessageEvent<string>;
  error: EventSourceErrorEvent;
}

type Handler<E> = ((this: EventSource, event: E) => unknown) | null;
type AnyListener = EventListenerOrEventListenerObject | ((this: EventSource, event: never) => unknown) | null;

interface HandlerRecord {
  handler: (this: EventSource, event: Event) => unknown;
  listener: (event: Event) => void;
}

/** A string as UTF-8 bytes, one byte per char: how a header value that is not Latin-1 goes through fetch. */
function utf8ByteString(value: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(value)) out += String.fromCharCode(byte);
  return out;
}

/**
 * The WHATWG HTML standard's EventSource ("Server-sent events"), on the platform's fetch. Steps of
 * the standard are marked [spec]. With only `withCredentials` (or no options) it behaves as a
 * browser's; the other options (see EventSourceOptions) are opt-in extras.
 */
/**
 * @internal A hook between two reads of the body: a subclass returns a promise to pause reading until
 * it resolves (iterate() does, while its consumer is behind). Not part of the standard API.
 */
export const readGate: unique symbol = Symbol('tidings.readGate');

export class EventSource extends EventTarget {
  declare static readonly CONNECTING: 0;
  declare static readonly OPEN: 1;
  declare static readonly CLOSED: 2;
  declare readonly CONNECTING: 0;
  declare readonly OPEN: 1;
  declare readonly CLOSED: 2;

  readonly #url: string;
  readonly #withCredentials: boolean;
  readonly #options: ResolvedOptions;
  readonly #browser = isBrowserLike();
  readonly #parser: EventStreamParser;
  readonly #handlers = new Map<string, HandlerRecord>();
  #readyState: ReadyState = CONNECTING;
  /** [spec] the reconnection time, changed by `retry:` */
  #reconnectionTime = DEFAULT_RECONNECTION_TIME;
  /** Whether the server has set the reconnection time (it then wins over the backoff policy). */
  #serverSetRetry = false;
  /** Reconnection attempts since the last connection that opened. */
  #attempts = 0;
  /** The current fetch; aborted and replaced by undefined when it is given up, so its loop stops. */
  #connection: AbortController | undefined;
  #status: number | null = null;
  #origin = '';
  #reconnectTimer: { handle: unknown } | undefined;
  #idleTimer: { handle: unknown } | undefined;
  #detachSignal: (() => void) | undefined;
  /** The event this EventSource is dispatching itself (see #fire), told apart from a script's dispatchEvent(). */
  #firing: Event | undefined;

  constructor(url: string | URL, eventSourceInitDict?: EventSourceOptions) {
    super();
    // biome-ignore lint/complexity/noArguments: WebIDL: a missing argument is a TypeError, an undefined one is not
    if (arguments.length === 0) throw new TypeError('EventSource needs a URL: new EventSource(url, options)');
    const options = resolveOptions(eventSourceInitDict);
    this.#options = options;
    // [spec] 3-4. parse url relative to the document's base URL (none outside browsers); failure is a SyntaxError
    let urlRecord: URL;
    try {
      urlRecord = new URL(String(url), baseUrl());
    } catch {
      // The URL itself is not repeated: it may carry a token in its query.
      throw new DOMException(
        'EventSource: the URL cannot be parsed (outside a browser it must be absolute, such as http://host/path)',
        'SyntaxError',
      );
    }
    // [spec] 5. the url attribute is the parsed URL, serialized
    this.#url = urlRecord.href;
    // [spec] 6-7. withCredentials decides the credentials mode
    this.#withCredentials = options.withCredentials;
    this.#parser = createParser(
      {
        onEvent: (event) => this.#dispatchMessage(event),
        onRetry: (milliseconds) => {
          // [spec] a retry field of ASCII digits sets the reconnection time
          this.#reconnectionTime = milliseconds;
          this.#serverSetRetry = true;
        },
        onError: (error) => this.#protocolError(error),
      },
      { ...options.parser, lastEventId: options.lastEventId },
    );
    const signal = options.signal;
    if (signal?.aborted) {
      this.#readyState = CLOSED;
      return;
    }
    if (signal) {
      const onAbort = () => this.close();
      signal.addEventListener('abort', onAbort, { once: true });
      this.#detachSignal = () => signal.removeEventListener('abort', onAbort);
    }
    // [spec] 15. fetch the request
    void this.#connect();
  }

  /** [spec] The URL, absolute and serialized. */
  get url(): string {
    return this.#url;
  }

  /** [spec] Whether the credentials mode is "include". */
  get withCredentials(): boolean {
    return this.#withCredentials;
  }

  /** [spec] CONNECTING (0), OPEN (1) or CLOSED (2). */
  get readyState(): ReadyState {
    return this.#readyState;
  }

  get onopen(): Handler<Event> {
    return this.#getHandler('open');
  }
  set onopen(handler: Handler<Event>) {
    this.#setHandler('open', handler);
  }
  get onmessage(): Handler<MessageEvent<string>> {
    return this.#getHandler('message');
  }
  set onmessage(handler: Handler<MessageEvent<string>>) {
    this.#setHandler('message', handler);
  }
  get onerror(): Handler<EventSourceErrorEvent> {
    return this.#getHandler('error');
  }
  set onerror(handler: Handler<EventSourceErrorEvent>) {
    this.#setHandler('error', handler);
  }

  get [Symbol.toStringTag](): string {
    return 'EventSource';
  }

  override addEventListener<K extends keyof EventSourceEventMap>(
    type: K,
    listener: (this: EventSource, event: EventSourceEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    listener: (this: EventSource, event: MessageEvent<string>) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(type: string, listener: AnyListener, options?: boolean | AddEventListenerOptions): void {
    super.addEventListener(type, listener as EventListenerOrEventListenerObject | null, options);
  }

  override removeEventListener<K extends keyof EventSourceEventMap>(
    type: K,
    listener: (this: EventSource, event: EventSourceEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  override removeEventListener(
    type: string,
    listener: (this: EventSource, event: MessageEvent<string>) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void;
  override removeEventListener(type: string, listener: AnyListener, options?: boolean | EventListenerOptions): void {
    super.removeEventListener(type, listener as EventListenerOrEventListenerObject | null, options);
  }

  /** @internal See `readGate`: undefined reads on at once. */
  [readGate](): Promise<void> | undefined {
    return undefined;
  }

  /**
   * [DOM] dispatchEvent() is how a script dispatches: the event is not trusted (an event this EventSource
   * fired before included). The EventSource's own events go through #fire.
   */
  override dispatchEvent(event: Event): boolean {
    if (event !== this.#firing) distrust(event);
    return super.dispatchEvent(event);
  }

  /**
   * [spec] Aborts the fetch, cancels a pending reconnection and sets readyState to CLOSED. No event
   * follows, not even the rest of the chunk being parsed when it is called from a handler.
   */
  close(): void {
    this.#stopConnection();
    this.#clearReconnectTimer();
    this.#readyState = CLOSED;
    this.#detachSignal?.();
    this.#detachSignal = undefined;
  }

  // --- event handler IDL attributes: one listener per type, added when first set, removed on null

  #getHandler<E>(type: string): Handler<E> {
    return (this.#handlers.get(type)?.handler as Handler<E> | undefined) ?? null;
  }

  #setHandler(type: string, value: unknown): void {
    const record = this.#handlers.get(type);
    if (typeof value !== 'function') {
      if (record) super.removeEventListener(type, record.listener);
      this.#handlers.delete(type);
      return;
    }
    const handler = value as HandlerRecord['handler'];
    if (record) {
      record.handler = handler; // keeps its place among the listeners, as the standard says
      return;
    }
    const created: HandlerRecord = { handler, listener: (event) => void created.handler.call(this, event) };
    this.#handlers.set(type, created);
    super.addEventListener(type, created.listener);
  }

  // --- the connection

  async #connect(): Promise<void> {
    const connection = new AbortController();
    this.#connection = connection;
    this.#status = null;
    this.#armIdleTimer(connection);
    const current = () => this.#connection === connection;
    let opened: OpenedStream;
    try {
      const headers = await this.#requestHeaders();
      if (!current()) return;
      opened = await openStream(this.#options.fetch, {
        url: this.#url,
        method: this.#options.method,
        headers,
        body: this.#options.body,
        credentials: this.#withCredentials ? 'include' : 'same-origin',
        signal: connection.signal,
        manualRedirects: !this.#browser,
      });
    } catch (error) {
      if (!current()) return; // closed, or given up by the idle timeout, which already reported it
      // [spec] 15.2. a network error reestablishes the connection, "unless the user agent knows that to be
      // futile, in which case the user agent may fail the connection": a URL that is not http(s) (ftp:,
      // mailto:, about:, javascript:...) fails the same way every time, so retrying it would loop for ever
      if (!/^https?:$/.test(new URL(this.#url).protocol)) {
        this.#fail('NETWORK_ERROR', 'the URL cannot be fetched: only http and https URLs are retried', error);
        return;
      }
      this.#reestablish('NETWORK_ERROR', 'the request failed before a response arrived', error);
      return;
    }
    const { response, finalUrl } = opened;
    if (!current()) {
      await response.body?.cancel().catch(() => {});
      return;
    }
    this.#status = response.status;
    // [spec] 15.3. a status other than 200 fails the connection; 204 is how a server says "stop"
    if (response.status !== 200) {
      const noContent = response.status === 204;
      this.#fail(
        noContent ? 'NO_CONTENT' : 'HTTP_STATUS',
        noContent ? 'the server answered 204 No Content: stop' : `the server answered HTTP ${response.status}`,
      );
      return;
    }
    // [spec] 15.3. so does a Content-Type other than text/event-stream
    if (!isEventStreamContentType(response.headers.get('content-type'))) {
      this.#fail('CONTENT_TYPE', 'the response Content-Type is not text/event-stream');
      return;
    }
    // [spec] 15.4. announce the connection: readyState OPEN, then the open event
    this.#origin = new URL(finalUrl).origin;
    this.#attempts = 0;
    this.#armIdleTimer(connection);
    this.#readyState = OPEN;
    this.#fire(new Event('open'));
    if (!current()) return; // close() in onopen
    // [spec] interpret the body line by line: a new stream (BOM, buffers), the last event ID kept
    this.#parser.reset();
    const reader = response.body?.getReader();
    if (reader) {
      try {
        for (;;) {
          const gate = this[readGate]();
          if (gate !== undefined) {
            // Back-pressure: the consumer is behind, so stop reading (TCP tells the server); not idle.
            this.#clearIdleTimer();
            await gate;
            if (!current()) return;
            this.#armIdleTimer(connection);
          }
          const { done, value } = await reader.read();
          if (!current()) return;
          if (done) break;
          this.#armIdleTimer(connection);
          this.#parser.feed(value);
          if (!current()) return;
        }
      } catch (error) {
        if (!current()) return;
        this.#reestablish('STREAM_ENDED', 'the response body broke off', error);
        return;
      }
    }
    // [spec] the end of the body reestablishes the connection; an unfinished event is discarded
    this.#reestablish('STREAM_ENDED', 'the server ended the stream');
  }

  async #requestHeaders(): Promise<Headers> {
    // [spec] Accept: text/event-stream
    const headers = new Headers({ accept: 'text/event-stream' });
    const option = this.#options.headers;
    const extra = typeof option === 'function' ? await option() : option;
    if (extra !== undefined) {
      for (const [name, value] of new Headers(extra)) headers.set(name, value);
    }
    // [spec] the request's cache mode is "no-store", which [fetch] HTTP-network-or-cache fetch puts on the
    // wire as `Pragma: no-cache` and `Cache-Control: no-cache`, each only if the header list does not
    // contain that name already (so a caller's own value wins). Browsers' fetch does that itself (and
    // setting them here would make every cross-origin request need a CORS preflight). Node's fetch does
    // it too, but Deno's and Bun's ignore the cache mode, as may a `fetch` option: so, outside browsers,
    // the client appends them, and the fetch then finds them present and adds nothing.
    if (!this.#browser) {
      if (!headers.has('pragma')) headers.set('pragma', 'no-cache');
      if (!headers.has('cache-control')) headers.set('cache-control', 'no-cache');
    }
    // [spec] reconnection 5.3. Last-Event-ID: the last event ID string, UTF-8 encoded, when not empty
    // (a Last-Event-ID given in options.headers would go stale: the lastEventId option is the way)
    headers.delete('last-event-id');
    const lastEventId = this.#parser.lastEventId;
    if (lastEventId !== '') headers.set('last-event-id', utf8ByteString(lastEventId));
    return headers;
  }

  /** [spec] "Reestablish the connection", or fail it when the reconnection policy says to stop. */
  #reestablish(code: EventSourceErrorCode, message: string, cause?: unknown): void {
    this.#stopConnection();
    // [spec] 1.1. nothing to do once closed
    if (this.#readyState === CLOSED) return;
    const status = code === 'NETWORK_ERROR' ? null : this.#status;
    const delay = this.#nextDelay(code, status);
    if (delay === null) {
      this.#fail(code, message, cause);
      return;
    }
    // [spec] 1.2-1.3. readyState CONNECTING, then the error event
    this.#readyState = CONNECTING;
    this.#dispatchError({ code, status, message, cause, retryDelay: delay });
    // [spec] 5.1. close() in onerror ends it here
    if (this.#readyState !== CONNECTING) return;
    // [spec] 2-3. wait the reconnection time (and, with a reconnect policy, the backoff)
    const timer = {
      handle: this.#options.timers.setTimeout(() => {
        if (this.#reconnectTimer !== timer) return;
        this.#reconnectTimer = undefined;
        // [spec] 5.1. only if still CONNECTING
        if (this.#readyState === CONNECTING) void this.#connect();
      }, delay),
    };
    this.#reconnectTimer = timer;
  }

  /** Milliseconds to wait before the next attempt, or null to stop reconnecting. */
  #nextDelay(code: EventSourceErrorCode, status: number | null): number | null {
    const policy = this.#options.reconnect;
    if (policy === null) return null;
    if (policy === undefined) return this.#reconnectionTime;
    this.#attempts++;
    if (this.#attempts > policy.maxAttempts) return null;
    const delay = this.#serverSetRetry ? this.#reconnectionTime : backoffDelay(policy, this.#attempts);
    if (policy.shouldReconnect) {
      try {
        if (!policy.shouldReconnect({ attempt: this.#attempts, delay, code, status })) return null;
      } catch {
        return null; // a callback that throws cannot say yes
      }
    }
    return delay;
  }

  /** [spec] "Fail the connection": readyState CLOSED and an error event, unless already closed. */
  #fail(code: EventSourceErrorCode, message: string, cause?: unknown): void {
    this.#stopConnection();
    this.#clearReconnectTimer();
    if (this.#readyState === CLOSED) return;
    this.#readyState = CLOSED;
    this.#detachSignal?.();
    this.#detachSignal = undefined;
    const status = code === 'NETWORK_ERROR' ? null : this.#status;
    this.#dispatchError({ code, status, message, cause, retryDelay: null });
  }

  #dispatchError(init: EventSourceErrorEventInit): void {
    this.#fire(new EventSourceErrorEvent(init));
  }

  /**
   * Dispatches an event of the EventSource's own (open, message, error): the user agent fires it, so it
   * is trusted. Through this.dispatchEvent, so that a subclass (iterate()) sees every event.
   */
  #fire(event: Event): void {
    const outer = this.#firing;
    this.#firing = trust(event, this);
    try {
      this.dispatchEvent(event);
    } finally {
      this.#firing = outer;
    }
  }

  /** [spec] "Dispatch the event": a MessageEvent, only while not CLOSED. */
  #dispatchMessage(parsed: ParsedEvent): void {
    if (this.#readyState === CLOSED) return;
    const connection = this.#connection;
    // [spec] origin: the final URL's (after redirects); lastEventId: the last event ID string
    const event = new MessageEvent(parsed.event, {
      data: parsed.data,
      origin: this.#origin,
      lastEventId: parsed.lastEventId,
    });
    this.#fire(event);
    // close() (or anything that dropped this connection) in a handler: stop parsing this chunk now
    if (this.#connection !== connection) this.#parser.reset();
  }

  /** A limit of the parser was hit: that event is dropped, the stream goes on; tell the listeners. */
  #protocolError(error: ProtocolError): void {
    if (this.#readyState === CLOSED) return;
    const connection = this.#connection;
    const code = error.code === 'LINE_TOO_LONG' ? 'LINE_TOO_LONG' : 'EVENT_TOO_LONG';
    this.#dispatchError({ code, status: this.#status, message: error.message, retryDelay: null });
    if (this.#connection !== connection) this.#parser.reset();
  }

  #armIdleTimer(connection: AbortController): void {
    const milliseconds = this.#options.idleTimeout;
    if (milliseconds === null) return;
    this.#clearIdleTimer();
    const timer = {
      handle: this.#options.timers.setTimeout(() => {
        if (this.#idleTimer !== timer || this.#connection !== connection) return;
        this.#idleTimer = undefined;
        this.#reestablish('IDLE_TIMEOUT', `no data arrived for ${milliseconds} ms`);
      }, milliseconds),
    };
    this.#idleTimer = timer;
  }

  #clearIdleTimer(): void {
    if (this.#idleTimer) this.#options.timers.clearTimeout(this.#idleTimer.handle);
    this.#idleTimer = undefined;
  }

  #clearReconnectTimer(): void {
    if (this.#reconnectTimer) this.#options.timers.clearTimeout(this.#reconnectTimer.handle);
    this.#reconnectTimer = undefined;
  }

  /** Gives up the current fetch (if any): its loop sees it is no longer current and stops. */
  #stopConnection(): void {
    const connection = this.#connection;
    this.#connection = undefined;
    this.#clearIdleTimer();
    connection?.abort();
  }
}

// [spec] the constants exist on the interface object and on its prototype, read-only
for (const [name, value] of [
  ['CONNECTING', CONNECTING],
  ['OPEN', OPEN],
  ['CLOSED', CLOSED],
] as const) {
  Object.defineProperty(EventSource, name, { value, enumerable: true });
  Object.defineProperty(EventSource.prototype, name, { value, enumerable: true });
}
