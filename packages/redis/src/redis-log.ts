/**
 * The event log on Redis Streams, shared by every node that uses the same Redis and prefix: one order,
 * one history and one live feed for all of them. See log-keys.ts for the keys, lua-scripts.ts for the
 * atomic steps, redis-feed.ts for the feed, and the README for what an append promises.
 *
 * Connecting is not a precondition: `new RedisLog(options)` returns at once and connects in the
 * background, so a hub starts while Redis is down (health 'down', appends reject promptly) and recovers
 * by itself when Redis comes back. `RedisLog.connect(options)` is the same, but resolves once it is up.
 */
import {
  checkEventFields,
  checkRead,
  type EventFields,
  type EventLog,
  EventLogError,
  entrySize,
  type FeedListener,
  type LogEntry,
  type LogHealth,
  type LogMark,
  type ReadPage,
  type ResolvedLogLimits,
  toLogEntry,
} from '@tidings/server';
import { FeedWindow } from './feed-window.js';
import { AGE_TRIM_INTERVAL_MS, PROBE_INTERVAL_MS, READ_TIMEOUT_MS, TRIM_BUDGET } from './limits.js';
import { type LogKeys, logKeys } from './log-keys.js';
import { APPEND, type LuaScript, MARK, PROBE, READ, SETTLE, TRIM } from './lua-scripts.js';
import { CommandFailure, describeFailure, monotonicNow, RedisConnection } from './redis-connection.js';
import { RedisFeed } from './redis-feed.js';
import { type RedisLogOptions, type ResolvedRedisLogOptions, resolveRedisLogOptions } from './redis-log-options.js';
import { decodeStreamEntry, positionOf, sameEvent, streamFields } from './stream-entry.js';

/** Counters of one RedisLog instance, for metrics. */
export interface RedisLogStats {
  /** Entries this instance's feed delivered. */
  readonly delivered: number;
  /**
   * Entries this instance's feed could not deliver: they left the stream before it read them (it lagged
   * behind by more than the stream keeps for lagging feeds), or Redis lost them. Should stay 0.
   */
  readonly missed: number;
  /**
   * Appends that rejected without knowing whether Redis stored them: the connection failed after the
   * script was sent and the outcome could not be checked in time. Each may be in the log (and reach the
   * feeds); it can no longer be stored later. See the README, "What an append promises".
   */
  readonly uncertainAppends: number;
  /** The position this instance's feed delivered last (null until it first reached Redis). */
  readonly feedPosition: number | null;
  /** Entries in this instance's window of recent entries (reads inside it need no Redis). */
  readonly recentEntries: number;
}

const closedError = () => new EventLogError('LOG_CLOSED', 'the event log is closed');

function unavailable(failure: CommandFailure): EventLogError {
  const message = failure.outcome === 'not-sent' ? 'redis is unreachable' : failure.message;
  return new EventLogError('LOG_UNAVAILABLE', message, { cause: failure });
}

function asFailure(error: unknown): CommandFailure {
  return error instanceof CommandFailure
    ? error
    : new CommandFailure('unknown', describeFailure(error), { cause: error });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class RedisLog implements EventLog {
  readonly limits: ResolvedLogLimits;
  /** The prefix of this log's keys. */
  readonly prefix: string;
  readonly #options: ResolvedRedisLogOptions;
  readonly #keys: LogKeys;
  readonly #commands: RedisConnection;
  /**
   * Reads (replay pages, id lookups, marks) on a connection of their own: a reconnect storm queues
   * thousands of them, and appends and health probes must not wait behind that queue.
   */
  readonly #reads: RedisConnection;
  readonly #feed: RedisFeed;
  /** The newest entries, from the feed and this node's appends: reads inside need no Redis (feed-window.ts). */
  readonly #recent: FeedWindow;
  #closed = false;
  /** Redis's clock minus monotonicNow(), from the last probe; null until a probe answered. */
  #clockOffset: number | null = null;
  /** Half the round trip of that probe: how far the offset may be off. */
  #clockError = 0;
  /** The highest position this instance has seen (appends, feed, probes): Redis never gives one below it again. */
  #highWater = 0;
  /** Why the last command failed while none succeeded since (shown by health), or null. */
  #commandError: string | null = null;
  #uncertain = 0;
  #probing = false;
  /** Until then (monotonicNow) operations wait for the first connection instead of failing at once. */
  readonly #startupUntil: number;
  readonly #timers: ReturnType<typeof setInterval>[] = [];
  readonly #waiters = new Set<() => void>();

  /** Throws a TypeError for bad options; never throws because Redis is unreachable. */
  constructor(options: RedisLogOptions) {
    this.#options = resolveRedisLogOptions(options);
    this.limits = this.#options.limits;
    this.prefix = this.#options.prefix;
    this.#keys = logKeys(this.prefix);
    const settings = { url: this.#options.url, connectTimeout: this.#options.connectTimeout };
    this.#startupUntil = monotonicNow() + this.#options.connectTimeout;
    this.#commands = new RedisConnection({ ...settings, name: 'tidings-log' }, () => {
      if (this.#commands.ready) void this.#probe();
      this.#changed();
    });
    this.#reads = new RedisConnection({ ...settings, name: 'tidings-reads' }, () => this.#changed());
    this.#recent = new FeedWindow(this.#options.recentEntries.maxCount, this.#options.recentEntries.maxBytes);
    this.#feed = new RedisFeed({
      connection: new RedisConnection({ ...settings, name: 'tidings-feed' }, () => this.#changed()),
      stream: this.#keys.stream,
      commandTimeout: this.#options.commandTimeout,
      onChange: () => this.#changed(),
      onPosition: (position) => this.#see(position),
      onEntry: (entry) => this.#recent.fed(entry),
      onLost: () => this.#recent.lost(),
    });
    this.#every(PROBE_INTERVAL_MS, () => this.#probe());
    if (this.limits.maxAge !== null) this.#every(AGE_TRIM_INTERVAL_MS, () => this.#trimOnce());
  }

  /**
   * A log that is up (connected, its feed reading), or a rejection with 'LOG_UNAVAILABLE' when Redis
   * cannot be reached within the connect and command timeouts. Throws a TypeError for bad options.
   */
  static async connect(options: RedisLogOptions): Promise<RedisLog> {
    const log = new RedisLog(options);
    const { connectTimeout, commandTimeout } = log.#options;
    await log.#waitFor(() => log.health().state === 'up', connectTimeout + commandTimeout);
    if (!log.#reads.ready) await log.#reads.waitReady(connectTimeout);
    const health = log.health();
    if (health.state !== 'up') {
      await log.close();
      throw new EventLogError('LOG_UNAVAILABLE', `cannot use redis: ${health.error ?? 'not connected'}`);
    }
    return log;
  }

  /** Counters for metrics: feed deliveries and misses, appends with an unknown outcome, the window's size. */
  get stats(): RedisLogStats {
    return {
      delivered: this.#feed.delivered,
      missed: this.#feed.missed,
      uncertainAppends: this.#uncertain,
      feedPosition: this.#feed.position,
      recentEntries: this.#recent.size,
    };
  }

  /**
   * Resolves once the script ran in Redis: the entry is in Redis's memory, and as durable as Redis's
   * own persistence makes it (appendonly, appendfsync). Rejects 'LOG_UNAVAILABLE' promptly while Redis
   * is unreachable. When the connection fails after the script was sent, the answer waits until Redis
   * can no longer run it (the deadline it carries) and then looks whether it did: resolves when it did,
   * rejects when it did not, and rejects as uncertain (`stats.uncertainAppends`) when it cannot tell.
   */
  async append(fields: EventFields): Promise<LogEntry | null> {
    this.#check();
    checkEventFields(fields);
    const size = entrySize(fields);
    await this.#usable();
    const sent = monotonicNow();
    const { commandTimeout } = this.#options;
    // Redis refuses to run the script after this (its own clock), so a late arrival cannot store it.
    const deadline = Math.floor(this.#redisNow(sent) + commandTimeout);
    const since = this.#highWater;
    const { maxCount, maxBytes, maxAge } = this.limits;
    const args = [
      String(deadline),
      String(this.#highWater),
      String(maxCount),
      String(maxBytes),
      maxAge === null ? '' : String(Date.now() - maxAge),
      fields.id,
      String(size),
      ...streamFields(fields, size),
    ];
    let reply: unknown;
    try {
      reply = await this.#commands.script(APPEND, this.#keyList(), args, sent + commandTimeout);
    } catch (error) {
      const failure = asFailure(error);
      if (failure.outcome === 'unknown') return this.#settle(fields, deadline, since, sent, failure);
      throw this.#failed(failure);
    }
    this.#succeeded();
    const [status, position, , trimmed, lost] = Array.isArray(reply) ? reply : [];
    if (status === 0) return null;
    if (status === 1 && typeof position === 'number') {
      this.#see(position);
      const entry = toLogEntry(fields, position, size);
      // Redis had lost entries or counters: what the window holds from before may be gone from Redis.
      if (lost === 1) this.#recent.clear();
      this.#recent.appended(entry, this.#feed.position ?? 0);
      this.#recent.trimmedThrough(Number(trimmed));
      return entry;
    }
    // -1: it reached Redis after its deadline (a slow or stalled connection); nothing was stored.
    throw new EventLogError('LOG_UNAVAILABLE', 'redis answered too late; the event was not stored');
  }

  /**
   * From the window of recent entries when it reaches back to `after + 1` (and the feed is current),
   * else from Redis. A page from the window may end before entries that are in Redis already but have
   * not come through this node's feed yet: a reader that follows the feed (LogSubscriber) gets them
   * from there, as it gets whatever is appended after its read.
   */
  async read(after: number, limit: number): Promise<ReadPage> {
    this.#check();
    checkRead(after, limit);
    const recent = this.#readRecent(after, limit);
    // Gap false: the window starts after everything Redis is known to have trimmed, and has no hole.
    if (recent !== null) return { entries: recent, gap: false };
    const reply = await this.#read({
      lua: READ,
      keys: [this.#keys.stream, this.#keys.meta],
      args: [String(after), String(limit)],
    });
    const [trimmedText, raw] = Array.isArray(reply) ? reply : [];
    const trimmed = Number(trimmedText);
    this.#recent.trimmedThrough(trimmed);
    const entries = this.#decodeAll(raw);
    const from = Math.max(after, trimmed);
    // Positions have no holes, so a first entry beyond `from + 1` means entries were lost (Redis lost data).
    const first = entries[0];
    const gap = after < trimmed || (first !== undefined && first.position > from + 1);
    const last = entries.at(-1);
    if (last !== undefined) this.#see(last.position);
    return { entries, gap };
  }

  async lookup(id: string): Promise<number | null> {
    this.#check();
    if (typeof id !== 'string') throw new TypeError('lookup needs an event id (a string)');
    const reply = await this.#read(['HGET', this.#keys.ids, id]);
    return typeof reply === 'string' ? Number(reply) : null;
  }

  earliest(): Promise<LogMark | null> {
    return this.#mark('first');
  }

  latest(): Promise<LogMark | null> {
    return this.#mark('last');
  }

  follow(listener: FeedListener): () => void {
    this.#check();
    if (typeof listener !== 'function') throw new TypeError('follow needs a function (entry) => void');
    return this.#feed.follow(listener);
  }

  /** Applies the limits now, in runs of at most TRIM_BUDGET entries each (each run is one script). */
  async trim(): Promise<number> {
    this.#check();
    let total = 0;
    for (;;) {
      const removed = await this.#trimRun();
      total += removed;
      if (removed < TRIM_BUDGET) return total;
    }
  }

  health(): LogHealth {
    if (this.#closed) return { state: 'down', error: 'closed', feedLag: 0 };
    const position = this.#feed.position;
    const feedLag = position === null ? 0 : Math.max(0, this.#highWater - position);
    if (!this.#commands.ready)
      return { state: 'down', error: this.#commands.lastError ?? 'connecting to redis', feedLag };
    if (this.#commandError !== null) return { state: 'down', error: this.#commandError, feedLag };
    if (this.#clockOffset === null || position === null)
      return { state: 'down', error: 'connecting to redis', feedLag };
    const problem = this.#feed.problem;
    if (problem !== null) return { state: 'degraded', error: problem, feedLag };
    return { state: 'up', error: null, feedLag };
  }

  /** Stops the feed, lets commands in flight finish (up to the command timeout), closes both connections. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers) clearInterval(timer);
    this.#changed();
    this.#recent.clear();
    await this.#feed.close();
    await this.#reads.close(true, this.#options.commandTimeout);
    await this.#commands.close(true, this.#options.commandTimeout);
  }

  #check(): void {
    if (this.#closed) throw closedError();
  }

  /**
   * The window's answer, or null to ask Redis: also while the feed is not current (its connection is
   * away, it failed, or it is catching up on a backlog), since a feed that lags may yet find a hole,
   * and a reader told "no gap" by the window would then miss entries that Redis would have reported.
   */
  #readRecent(after: number, limit: number): readonly LogEntry[] | null {
    if (this.#feed.problem !== null) return null;
    const { maxAge } = this.limits;
    return this.#recent.read(after, limit, maxAge === null ? null : Date.now() - maxAge);
  }

  #keyList(): string[] {
    return [this.#keys.stream, this.#keys.ids, this.#keys.meta];
  }

  /** Ready to send: connected, Redis's clock known (append deadlines), the feed started (nothing missed). */
  #canSend(): boolean {
    return !this.#closed && this.#commands.ready && this.#clockOffset !== null && this.#feed.position !== null;
  }

  /** Waits for the first connection while it may still come; afterwards fails at once when not connected. */
  async #usable(): Promise<void> {
    if (this.#canSend()) return;
    const wait = this.#startupUntil - monotonicNow();
    if (wait > 0) await this.#waitFor(() => this.#canSend(), wait);
    if (this.#closed) throw closedError();
    if (!this.#canSend()) {
      throw unavailable(new CommandFailure('not-sent', this.#commands.lastError ?? 'redis is unreachable'));
    }
  }

  #redisNow(at: number): number {
    return at + (this.#clockOffset ?? 0);
  }

  #see(position: number): void {
    if (position > this.#highWater) this.#highWater = position;
  }

  #succeeded(): void {
    if (this.#commandError !== null) {
      this.#commandError = null;
      this.#changed();
    }
  }

  #failed(failure: CommandFailure): EventLogError {
    if (this.#closed) return closedError();
    this.#commandError = failure.message;
    this.#changed();
    return unavailable(failure);
  }

  /** Runs a trim script on the command connection: any failure is 'LOG_UNAVAILABLE' and shows in health. */
  async #run(lua: LuaScript, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    await this.#usable();
    try {
      const reply = await this.#commands.script(lua, keys, args, monotonicNow() + this.#options.commandTimeout);
      this.#succeeded();
      return reply;
    } catch (error) {
      throw this.#failed(asFailure(error));
    }
  }

  /**
   * Runs a read (a script, or a plain command) on the read connection, with READ_TIMEOUT_MS (see
   * limits.ts). A failure is 'LOG_UNAVAILABLE' for this read only: a slow read under load says nothing
   * about whether appends work, and the command connection's probe tells the health.
   */
  async #read(command: { lua: LuaScript; keys: readonly string[]; args: readonly string[] } | readonly string[]) {
    await this.#usable();
    // The read connection opens beside the command connection (and reconnects on its own): give it as
    // long as a connection gets, rather than failing a read that comes just before it is ready.
    if (!this.#reads.ready) await this.#reads.waitReady(this.#options.connectTimeout);
    const until = monotonicNow() + Math.max(READ_TIMEOUT_MS, this.#options.commandTimeout);
    try {
      return 'lua' in command
        ? await this.#reads.script(command.lua, command.keys, command.args, until)
        : await this.#reads.send(command, until);
    } catch (error) {
      if (this.#closed) throw closedError();
      throw unavailable(asFailure(error));
    }
  }

  async #mark(which: 'first' | 'last'): Promise<LogMark | null> {
    this.#check();
    const reply = await this.#read({ lua: MARK, keys: [this.#keys.stream, this.#keys.meta], args: [which] });
    if (!Array.isArray(reply) || typeof reply[0] !== 'string' || typeof reply[1] !== 'string') return null;
    return { position: positionOf(reply[0]), id: reply[1] };
  }

  async #trimRun(): Promise<number> {
    const { maxCount, maxBytes, maxAge } = this.limits;
    const cutoff = maxAge === null ? '' : String(Date.now() - maxAge);
    const reply = await this.#run(TRIM, this.#keyList(), [String(maxCount), String(maxBytes), cutoff]);
    const [removed, trimmed] = Array.isArray(reply) ? reply : [];
    this.#recent.trimmedThrough(Number(trimmed));
    return typeof removed === 'number' ? removed : 0;
  }

  /** One trim run for age limits, from a timer: failures show in health already. */
  async #trimOnce(): Promise<void> {
    if (this.#canSend()) await this.#trimRun().catch(() => {});
  }

  #decodeAll(raw: unknown): LogEntry[] {
    if (!Array.isArray(raw)) return [];
    try {
      return raw.map(decodeStreamEntry);
    } catch (error) {
      throw new EventLogError('LOG_UNAVAILABLE', 'the stream holds an entry this log did not write', { cause: error });
    }
  }

  /**
   * An append whose reply never came (connection lost or timed out after it was sent): waits until
   * Redis's clock is past the append's deadline, so the script can no longer run, then looks whether it
   * ran. Gives up, as uncertain, two command timeouts after the append was sent.
   */
  async #settle(
    fields: EventFields,
    deadline: number,
    since: number,
    sent: number,
    failure: CommandFailure,
  ): Promise<LogEntry | null> {
    const giveUp = sent + 2 * this.#options.commandTimeout;
    let wait = deadline - this.#redisNow(monotonicNow()) + this.#clockError + 1;
    while (!this.#closed) {
      if (wait > 0) await sleep(Math.min(wait, giveUp - monotonicNow()));
      if (!this.#commands.ready) await this.#commands.waitReady(giveUp - monotonicNow());
      if (this.#closed || !this.#commands.ready || monotonicNow() >= giveUp) break;
      let reply: unknown;
      try {
        reply = await this.#commands.script(
          SETTLE,
          [this.#keys.stream, this.#keys.ids],
          [String(deadline), fields.id, String(since)],
          giveUp,
        );
      } catch {
        break;
      }
      const [verdict, detail] = Array.isArray(reply) ? reply : [];
      if (verdict === 0 && typeof detail === 'number') {
        // Redis's clock is behind our estimate of it: wait what it says is left.
        wait = detail;
        continue;
      }
      if (verdict === 1) throw unavailable(failure);
      if (verdict === 2) {
        let entry: LogEntry;
        try {
          entry = decodeStreamEntry(detail);
        } catch {
          break; // an entry this log did not write holds the id: cannot tell
        }
        this.#see(entry.position);
        // The same event: ours (or an identical retry); another event with this id: a duplicate.
        return sameEvent(entry, fields) ? entry : null;
      }
      break;
    }
    this.#uncertain++;
    if (this.#closed) throw closedError();
    throw new EventLogError('LOG_UNAVAILABLE', 'redis did not confirm the append; it may have been stored', {
      cause: failure,
    });
  }

  /** Reads Redis's clock and newest position; lifts Redis's position counter if it went back (lost data). */
  async #probe(): Promise<void> {
    if (this.#probing || this.#closed || !this.#commands.ready) return;
    this.#probing = true;
    try {
      const sent = monotonicNow();
      const reply = await this.#commands.script(
        PROBE,
        [this.#keys.meta],
        [String(this.#highWater)],
        sent + this.#options.commandTimeout,
      );
      const back = monotonicNow();
      const [seconds, micros, seq, trimmed, lost] = Array.isArray(reply) ? reply.map(Number) : [];
      if (seconds === undefined || micros === undefined || seq === undefined || !Number.isSafeInteger(seq)) {
        throw new CommandFailure('refused', 'redis answered the probe unexpectedly');
      }
      // Redis lost data under this node (restarted without it): the window may hold what is gone.
      if (lost === 1) this.#recent.clear();
      // Trims by other nodes reach this node's window here at the latest, once a second.
      this.#recent.trimmedThrough(trimmed ?? 0);
      this.#clockOffset = seconds * 1000 + Math.floor(micros / 1000) - (sent + back) / 2;
      this.#clockError = (back - sent) / 2;
      this.#see(seq);
      this.#commandError = null;
      // The feed starts at the newest position when this instance first reaches Redis.
      this.#feed.start(seq);
    } catch (error) {
      if (!this.#closed) this.#commandError = describeFailure(error);
    } finally {
      this.#probing = false;
      this.#changed();
    }
  }

  #every(ms: number, task: () => Promise<void>): void {
    const timer = setInterval(() => void task(), ms);
    // The connections keep a process alive while the log is open; the timers need not.
    timer.unref();
    this.#timers.push(timer);
  }

  /** Resolves when `predicate` holds (checked on every change of state), the log closes, or after `ms`. */
  #waitFor(predicate: () => boolean, ms: number): Promise<void> {
    if (predicate() || this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      const check = () => {
        if (predicate() || this.#closed) done();
      };
      const timer = setTimeout(done, ms);
      this.#waiters.add(check);
    });
  }

  #changed(): void {
    for (const check of [...this.#waiters]) check();
  }
}
