/**
 * One connection to Redis that survives Redis: a node-redis client that reconnects by itself with
 * backoff, refuses commands at once while it is not connected (no offline queue: a command queued
 * while Redis is down would run minutes later, after its caller was told it failed), bounds every
 * command by a deadline, and replaces its client when a command or a handshake stops answering (a
 * frozen server or a network that drops packets never closes the socket by itself).
 *
 * Failures are reported as `CommandFailure` with what is known of the command's fate, which is what
 * the log's append needs: not sent, refused by Redis, or unknown (sent, but no answer came back).
 */
import { ClientClosedError, ClientOfflineError, createClient, ErrorReply } from 'redis';
import { RECONNECT_MAX_DELAY_MS, RECONNECT_MIN_DELAY_MS } from './limits.js';
import type { LuaScript } from './lua-scripts.js';

/** What is known of a failed command: never reached Redis, Redis refused it, or no answer came back. */
export type CommandOutcome = 'not-sent' | 'refused' | 'unknown';

/** A command failed. `message` is safe to show (no URL, no password, no Redis internals). */
export class CommandFailure extends Error {
  readonly outcome: CommandOutcome;

  constructor(outcome: CommandOutcome, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CommandFailure';
    this.outcome = outcome;
  }
}

export interface ConnectionSettings {
  readonly url: string;
  readonly connectTimeout: number;
  /** Shown by CLIENT LIST, so an operator can tell the log's connections apart. */
  readonly name: string;
}

function makeClient(settings: ConnectionSettings) {
  return createClient({
    url: settings.url,
    // RESP2: replies of scripts and XREAD come back as plain arrays, the shape the log decodes.
    RESP: 2,
    name: settings.name,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: settings.connectTimeout,
      // Always retry (node-redis's default gives up after a socket timeout); jitter spreads the nodes.
      reconnectStrategy: (retries: number) =>
        Math.min(RECONNECT_MIN_DELAY_MS * 2 ** retries, RECONNECT_MAX_DELAY_MS) + Math.floor(Math.random() * 50),
    },
  });
}

type Client = ReturnType<typeof makeClient>;

/** A safe text for an error from node-redis or the socket: its kind and code, never its message. */
export function describeFailure(error: unknown): string {
  if (error instanceof CommandFailure) return error.message;
  if (error instanceof ErrorReply) {
    // The first word of a Redis error is its code: OOM, READONLY, LOADING, NOAUTH, WRONGPASS, BUSY…
    const code = /^[A-Z]+/.exec(error.message)?.[0] ?? 'ERR';
    return `redis refused the command (${code})`;
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return `redis is unreachable (${code})`;
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'ConnectionTimeoutError') return 'redis is unreachable (connect timeout)';
  if (name === 'SocketClosedUnexpectedlyError') return 'the connection to redis closed';
  return 'redis is unreachable';
}

function classify(error: unknown): CommandFailure {
  if (error instanceof CommandFailure) return error;
  const message = describeFailure(error);
  if (error instanceof ErrorReply) return new CommandFailure('refused', message, { cause: error });
  if (error instanceof ClientOfflineError || error instanceof ClientClosedError) {
    return new CommandFailure('not-sent', message, { cause: error });
  }
  return new CommandFailure('unknown', message, { cause: error });
}

export class RedisConnection {
  readonly #settings: ConnectionSettings;
  readonly #onChange: () => void;
  #client: Client;
  #closed = false;
  #lastError: string | null = null;
  #handshakeTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the current client last answered a command (monotonicNow), to tell busy from dead. */
  #lastAnswerAt = Number.NEGATIVE_INFINITY;
  readonly #readyWaiters = new Set<() => void>();

  /** `onChange` is called when the connection becomes ready or fails, so the owner can re-read its state. */
  constructor(settings: ConnectionSettings, onChange: () => void) {
    this.#settings = settings;
    this.#onChange = onChange;
    this.#client = this.#open();
  }

  /** True while commands can be sent. */
  get ready(): boolean {
    return !this.#closed && this.#client.isReady;
  }

  /** What failed last (safe to show), or null once connected again. */
  get lastError(): string | null {
    return this.#lastError;
  }

  /** Resolves when the connection is ready, or after `ms` (whichever is first). */
  waitReady(ms: number): Promise<void> {
    if (this.ready || this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#readyWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#readyWaiters.add(done);
    });
  }

  /**
   * Sends one command and resolves its raw reply, or rejects with a CommandFailure. `until` is a
   * deadline on `monotonicNow()`: past it the command counts as unanswered and the client is replaced.
   */
  async send(args: readonly string[], until: number): Promise<unknown> {
    if (this.#closed) throw new CommandFailure('not-sent', 'the connection is closed');
    const client = this.#client;
    if (!client.isReady) throw new CommandFailure('not-sent', this.#lastError ?? 'redis is unreachable');
    let timer: ReturnType<typeof setTimeout> | undefined;
    let late = false;
    const sentAt = monotonicNow();
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => {
          late = true;
          reject(new CommandFailure('unknown', 'redis did not answer in time'));
        },
        Math.max(0, until - monotonicNow()),
      );
    });
    try {
      const reply = await Promise.race([client.sendCommand([...args]), timedOut]);
      this.#answered(client);
      return reply;
    } catch (error) {
      if (!late && error instanceof ErrorReply)
        this.#answered(client); // an error reply is an answer too
      // No answer in time, and none to any other command meanwhile: the socket may be dead without
      // knowing it (a frozen server, dropped packets). A connection that keeps answering other commands
      // is busy (a reconnect storm's thousands of reads), not dead: replacing it would fail them all.
      else if (this.#lastAnswerAt < sentAt) this.#replace(client, 'redis did not answer in time');
      throw classify(error);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs a script by its SHA1, and sends its source when Redis does not have it (NOSCRIPT). */
  async script(lua: LuaScript, keys: readonly string[], args: readonly string[], until: number): Promise<unknown> {
    const rest = [String(keys.length), ...keys, ...args];
    try {
      return await this.send(['EVALSHA', lua.sha1, ...rest], until);
    } catch (error) {
      // NOSCRIPT: Redis did not run anything; send the source (Redis caches it for the next EVALSHA).
      if (
        !(error instanceof CommandFailure && error.cause instanceof ErrorReply && /^NOSCRIPT/.test(error.cause.message))
      ) {
        throw error;
      }
      return await this.send(['EVAL', lua.source, ...rest], until);
    }
  }

  /**
   * Closes the connection. `graceful` lets commands already sent get their replies first (bounded by
   * `ms`); otherwise they are rejected at once (which also ends a blocking read).
   */
  async close(graceful: boolean, ms: number): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#handshakeTimer);
    for (const waiter of [...this.#readyWaiters]) waiter();
    const client = this.#client;
    if (graceful && client.isReady) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        client.close().catch(() => {}),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, ms);
        }),
      ]);
      clearTimeout(timer);
    }
    client.destroy();
  }

  #open(): Client {
    const client = makeClient(this.#settings);
    // Without an 'error' listener node-redis's reconnection errors would crash the process.
    client.on('error', (error: unknown) => {
      if (client !== this.#client || this.#closed) return;
      this.#lastError = describeFailure(error);
      this.#onChange();
    });
    client.on('connect', () => {
      // TCP is up; the handshake (AUTH, SELECT, SETNAME) has no timeout of its own in node-redis.
      clearTimeout(this.#handshakeTimer);
      this.#handshakeTimer = setTimeout(() => {
        if (client === this.#client && !client.isReady)
          this.#replace(client, 'redis did not answer the handshake in time');
      }, this.#settings.connectTimeout);
    });
    client.on('ready', () => {
      if (client !== this.#client || this.#closed) return;
      clearTimeout(this.#handshakeTimer);
      this.#lastError = null;
      for (const waiter of [...this.#readyWaiters]) waiter();
      this.#onChange();
    });
    // connect() retries until it succeeds or the client is destroyed; failures arrive as 'error' events.
    client.connect().catch(() => {});
    return client;
  }

  /** Notes that the current client answered a command: it is alive. */
  #answered(client: Client): void {
    if (client === this.#client) this.#lastAnswerAt = monotonicNow();
  }

  /** Drops a client that stopped answering and opens a new one (only once per client). */
  #replace(client: Client, reason: string): void {
    if (client !== this.#client || this.#closed) return;
    this.#lastError = reason;
    this.#lastAnswerAt = Number.NEGATIVE_INFINITY;
    this.#client = this.#open();
    client.destroy();
    this.#onChange();
  }
}

/** Milliseconds on a clock that never jumps (timers and deadlines); not the time of day. */
export function monotonicNow(): number {
  return performance.now();
}
