import { encodeEvent } from '@tidings/protocol';
import { encodeEntry } from './entry-encoding.js';
import { EventLogError } from './errors.js';
import type { EventFields, EventLog, LogEntry } from './event-log.js';
import { type HistoryOptions, historyLimits } from './history-options.js';
import {
  DEFAULT_HISTORY_MAX_AGE_MS,
  DEFAULT_HISTORY_SIZE,
  DEFAULT_LOG_MAX_BYTES,
  DEFAULT_MAX_BUFFERED_BYTES,
} from './limits.js';
import { checkEventLog } from './log-arguments.js';
import { LogSubscriber, type ReplayStart, resolveReplayStart } from './log-subscriber.js';
import { MemoryLog } from './memory-log.js';
import { type DefaultSessionState, type Session, writeControl } from './session.js';

/** Decides whether a session gets an event, live and on replay, on every node that shares the log. */
export type SelectFunction<State = DefaultSessionState> = (session: Session<State>, entry: LogEntry) => boolean;

/** Options of `createChannel`. */
export interface ChannelOptions<State = DefaultSessionState> {
  /**
   * The event log that orders, keeps and feeds the channel's events: default a `MemoryLog` with the
   * `history` limits. Give a shared log (`@tidings/redis`) and every instance of your app that uses it
   * broadcasts to every client, with exact replay on any instance; a durable one (`@tidings/sqlite`)
   * keeps history across restarts. The channel does not close a log it was given.
   */
  eventLog?: EventLog;
  /**
   * Limits of the default memory log; default `{ size: 1000, maxAge: 300000, maxBytes: 67108864 }` (5
   * minutes, 64 MiB); `null` keeps none (no replay, no ids made up). Not with `eventLog`.
   */
  history?: HistoryOptions | null;
  /**
   * Which sessions get which events; default every session gets every event. It runs for live events
   * and replayed ones alike, on every node, so it may only use what the entry carries (`topics`, `event`,
   * `data`) and the session (`state`): e.g.
   * `(session, entry) => entry.topics.length === 0 || entry.topics.includes(session.state.user)`.
   */
  select?: SelectFunction<State>;
  /** Bytes of live events held for a session while its history replays; default 1048576. Past it the session is closed as slow. */
  maxHeldBytes?: number;
  /** Send the in-band `tidings-replay` event to a session that sent a `Last-Event-ID`; default true. */
  replayEvent?: boolean;
  /**
   * Called with errors thrown by `select` (the event is not sent to that session) and with log failures
   * during a replay (the session is closed, so its client reconnects); default `console.error`.
   */
  onError?: (error: unknown) => void;
}

/** The optional fields of a broadcast. */
export interface BroadcastOptions {
  /** Event type (`event:`). */
  event?: string;
  /** Event id; by default the channel makes one (when it keeps history). Unique among the kept events. */
  id?: string;
  /** Topics the event is about, kept with it in the log, for `select` (e.g. the user it is for). */
  topics?: readonly string[];
}

/** What a `session-registered` / `session-deregistered` listener receives. */
export interface ChannelEvent<State = DefaultSessionState> {
  session: Session<State>;
  /** Sessions in the channel after the change. */
  count: number;
}

export type ChannelEventName = 'session-registered' | 'session-deregistered';
export type ChannelListener<State = DefaultSessionState> = (event: ChannelEvent<State>) => void;

interface Member {
  /** Null when the channel keeps no history: events are written directly. */
  readonly subscriber: LogSubscriber | null;
  readonly removeCloseListener: () => void;
}

function positiveInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || (value as number) < 1) throw new TypeError(`${name} must be a whole number >= 1`);
  return value as number;
}

function resolveLog<State>(options: ChannelOptions<State>): EventLog | null {
  const { history, eventLog: log } = options;
  if (log !== undefined) {
    if (history !== undefined)
      throw new TypeError('give either eventLog or history, not both: a log has its own limits');
    checkEventLog(log, 'eventLog');
    return log;
  }
  if (history === null) return null;
  return new MemoryLog(
    historyLimits(history, {
      maxCount: DEFAULT_HISTORY_SIZE,
      maxAge: DEFAULT_HISTORY_MAX_AGE_MS,
      maxBytes: DEFAULT_LOG_MAX_BYTES,
    }),
  );
}

/**
 * A set of sessions that receive the same events. Each event is appended to the channel's log and
 * delivered from the log's feed, serialized once, the same bytes written to every session; a session
 * that arrives with a `Last-Event-ID` first gets the events it missed, then the live stream, with no gap
 * and no duplicate (see log-subscriber.ts).
 */
export class Channel<State = DefaultSessionState> {
  readonly #members = new Map<Session<State>, Member>();
  readonly #log: EventLog | null;
  readonly #ownsLog: boolean;
  readonly #select: SelectFunction<State> | null;
  readonly #maxHeldBytes: number;
  readonly #replayEvent: boolean;
  readonly #onError: (error: unknown) => void;
  readonly #stopFeed: () => void;
  readonly #listeners: Record<ChannelEventName, Set<ChannelListener<State>>> = {
    'session-registered': new Set(),
    'session-deregistered': new Set(),
  };
  /**
   * The position marker given to sessions while the log is empty: random per channel, so it means
   * "before the first event" only here (elsewhere it is unknown and replays from the oldest, signalled).
   */
  readonly #emptyMarker = `${Math.floor(Math.random() * 2 ** 32)
    .toString(36)
    .padStart(7, '0')}-0`;
  #lastId = '';

  constructor(options: ChannelOptions<State> = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError('channel options must be an object such as { history: { size: 100 } }');
    }
    if (options.select !== undefined && typeof options.select !== 'function') {
      throw new TypeError('select must be a function (session, entry) => boolean');
    }
    if (options.onError !== undefined && typeof options.onError !== 'function') {
      throw new TypeError('onError must be a function (error) => void');
    }
    this.#log = resolveLog(options);
    this.#ownsLog = options.eventLog === undefined;
    this.#select = options.select ?? null;
    this.#maxHeldBytes = positiveInteger('maxHeldBytes', options.maxHeldBytes, DEFAULT_MAX_BUFFERED_BYTES);
    this.#replayEvent = options.replayEvent ?? true;
    this.#onError = options.onError ?? ((error) => console.error('tidings channel:', error));
    this.#stopFeed = this.#log?.follow((entry) => this.#dispatch(entry)) ?? (() => {});
  }

  /** Sessions currently in the channel. */
  get sessionCount(): number {
    return this.#members.size;
  }

  /** The sessions currently in the channel. */
  get sessions(): IterableIterator<Session<State>> {
    return this.#members.keys();
  }

  /** The id of the newest event this channel delivered ('' before the first). */
  get lastEventId(): string {
    return this.#lastId;
  }

  /** The event log under the channel (null when it keeps no history). */
  get eventLog(): EventLog | null {
    return this.#log;
  }

  /**
   * Adds a session. With history, a session with a `Last-Event-ID` first gets every event after it (an
   * unknown or trimmed id replays from the oldest kept event, with `tidings-replay` saying `earliest`);
   * a session without one gets a bare `id:` line marking its position, so that a reconnect replays what
   * it missed. The session leaves the channel by itself when it closes.
   */
  register(session: Session<State>): void {
    if (!session.connected || this.#members.has(session)) return;
    const log = this.#log;
    const subscriber =
      log === null
        ? null
        : new LogSubscriber({
            maxHeldBytes: this.#maxHeldBytes,
            replayEvent: this.#replayEvent,
            onEnd: (why, error) => {
              if (why === 'failed') this.#onError(error);
              this.deregister(session);
            },
          });
    const removeCloseListener = session.onClose(() => this.deregister(session));
    this.#members.set(session, { subscriber, removeCloseListener });
    if (log !== null && subscriber !== null) void this.#start(session, subscriber, log);
    this.#emit('session-registered', session);
  }

  /** Whether `session` is still being given history (live events reach it after the replay). */
  isReplaying(session: Session<State>): boolean {
    return this.#members.get(session)?.subscriber?.state === 'holding';
  }

  /** Removes a session (it stays open). Returns false when it was not in the channel. */
  deregister(session: Session<State>): boolean {
    const member = this.#members.get(session);
    if (member === undefined) return false;
    this.#members.delete(session);
    member.removeCloseListener();
    member.subscriber?.detach();
    this.#emit('session-deregistered', session);
    return true;
  }

  /**
   * Sends `data` to every session (that `select` picks) and resolves the event's id ('' when the channel
   * keeps no history). With history the event goes through the log, so it is stored before it is
   * delivered; it rejects when the log refuses it (a duplicate id: `EventLogError` 'DUPLICATE_ID').
   * Throws at once (a ProtocolError) when `event` or `id` contains CR, LF or NUL.
   */
  broadcast(data: string, options: BroadcastOptions = {}): Promise<string> {
    const { event, topics = [] } = options;
    if (!Array.isArray(topics)) throw new TypeError('topics must be an array of strings');
    const log = this.#log;
    const id = options.id ?? (log !== null ? crypto.randomUUID() : undefined);
    const fields: EventFields = {
      id: id ?? '',
      topics,
      data,
      private: false,
      publishedAt: Date.now(),
      ...(event !== undefined && { event }),
    };
    if (log === null) {
      // No history: serialized once (rejecting injected fields) and written directly.
      const bytes = encodeEvent({
        data,
        ...(event !== undefined && { event }),
        ...(id !== undefined && { id }),
      });
      if (id !== undefined) this.#lastId = id;
      for (const session of this.#members.keys()) if (this.#selects(session, fields)) session.write(bytes);
      return Promise.resolve(id ?? '');
    }
    encodeEntry(fields); // rejects injected fields now, before anything is stored
    return log.append(fields).then((entry) => {
      if (entry === null) throw new EventLogError('DUPLICATE_ID', 'an event with this id is already in the history');
      return entry.id;
    });
  }

  /** `broadcast(JSON.stringify(value), options)`. */
  broadcastJson(value: unknown, options: BroadcastOptions = {}): Promise<string> {
    const data = JSON.stringify(value);
    if (data === undefined) throw new TypeError('broadcastJson needs a JSON-serializable value');
    return this.broadcast(data, options);
  }

  /** Listens for sessions joining or leaving; returns the function that stops listening. */
  on(name: ChannelEventName, listener: ChannelListener<State>): () => void {
    const set = this.#listeners[name];
    if (set === undefined) throw new TypeError("channel events are 'session-registered' and 'session-deregistered'");
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Stops a listener added with `on`. */
  off(name: ChannelEventName, listener: ChannelListener<State>): void {
    this.#listeners[name]?.delete(listener);
  }

  /** Stops following the log and closes the default memory log (a log given in the options stays open). */
  async close(): Promise<void> {
    this.#stopFeed();
    for (const session of [...this.#members.keys()]) this.deregister(session);
    if (this.#ownsLog) await this.#log?.close();
  }

  /** The feed's entries go to every session that `select` picks. */
  #dispatch(entry: LogEntry): void {
    this.#lastId = entry.id;
    for (const [session, member] of this.#members) {
      if (this.#selects(session, entry)) member.subscriber?.deliver(entry);
    }
  }

  #selects(session: Session<State>, entry: EventFields): boolean {
    if (this.#select === null) return true;
    try {
      return this.#select(session, entry as LogEntry) === true;
    } catch (error) {
      this.#onError(error);
      return false;
    }
  }

  /** Finds where the session's stream starts, then starts its subscriber there. */
  async #start(session: Session<State>, subscriber: LogSubscriber, log: EventLog): Promise<void> {
    const requested = session.lastEventId;
    let replay: ReplayStart | null = null;
    let livePosition = 0;
    try {
      if (requested === '') {
        const latest = await log.latest();
        // A position marker: an id with no data dispatches nothing but sets the client's last event id
        // ([spec] "dispatch the event" step 1), so its reconnect replays what it missed.
        session[writeControl](encodeEvent({ id: latest?.id ?? this.#emptyMarker }));
        livePosition = latest?.position ?? 0;
      } else if (requested === this.#emptyMarker) {
        replay = { requested, after: 0, anchor: requested };
      } else {
        replay = await resolveReplayStart(log, requested);
      }
    } catch (error) {
      this.#onError(error);
      subscriber.close();
      return;
    }
    await subscriber.start(session, replay, (entry) => this.#selects(session, entry), log, livePosition);
  }

  #emit(name: ChannelEventName, session: Session<State>): void {
    const event = { session, count: this.#members.size };
    for (const listener of [...this.#listeners[name]]) listener(event);
  }
}

/** Creates a channel. Throws a TypeError for bad options. */
export function createChannel<State = DefaultSessionState>(options?: ChannelOptions<State>): Channel<State> {
  return new Channel(options);
}
