import { encodeEvent } from '@tidings/protocol';
import { History } from './history.js';
import { DEFAULT_HISTORY_MAX_AGE_MS, DEFAULT_HISTORY_SIZE, REPLAY_BATCH_BYTES } from './limits.js';
import { type Session, writeControl } from './session.js';

/** The event type that tells a session its `Last-Event-ID` is unknown or has left the history. */
export const RESET_EVENT = 'tidings-reset';

/** How much a channel remembers for `Last-Event-ID` replay. */
export interface HistoryOptions {
  /** Events kept; default 1000. */
  size?: number;
  /** Milliseconds an event is kept; default 300000 (5 minutes). */
  maxAge?: number;
}

/** Options of `createChannel`. */
export interface ChannelOptions {
  /** Replay history; default `{ size: 1000, maxAge: 300000 }`; `null` keeps none (no replay, no ids made up). */
  history?: HistoryOptions | null;
}

/** The optional fields of a broadcast. */
export interface BroadcastOptions {
  /** Event type (`event:`). */
  event?: string;
  /** Event id; by default the channel makes one (when it keeps history). Ids should be unique. */
  id?: string;
  /** Only sessions for which this returns true get the event (live and on replay). */
  filter?: (session: Session) => boolean;
}

/** What a `session-registered` / `session-deregistered` listener receives. */
export interface ChannelEvent {
  session: Session;
  /** Sessions in the channel after the change. */
  count: number;
}

export type ChannelEventName = 'session-registered' | 'session-deregistered';
export type ChannelListener = (event: ChannelEvent) => void;

interface Member {
  /** True while history is being replayed: live broadcasts reach it through the replay instead. */
  replaying: boolean;
  removeCloseListener: () => void;
}

function positiveInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || (value as number) < 1) throw new TypeError(`${name} must be a whole number >= 1`);
  return value as number;
}

function resolveHistory(options: ChannelOptions | undefined): History | null {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new TypeError('channel options must be an object such as { history: { size: 100 } }');
  }
  const history = options?.history;
  if (history === null) return null;
  if (history !== undefined && typeof history !== 'object') {
    throw new TypeError('history must be an object such as { size: 1000, maxAge: 300000 }, or null');
  }
  return new History(
    positiveInteger('history.size', history?.size, DEFAULT_HISTORY_SIZE),
    positiveInteger('history.maxAge', history?.maxAge, DEFAULT_HISTORY_MAX_AGE_MS),
  );
}

/**
 * A set of sessions that receive the same events. Each broadcast is serialized once and the same bytes
 * are written to every session; a session that arrives with a `Last-Event-ID` first gets the events it
 * missed, then the live stream, with no gap and no duplicate.
 */
export class Channel {
  readonly #members = new Map<Session, Member>();
  readonly #history: History | null;
  readonly #listeners: Record<ChannelEventName, Set<ChannelListener>> = {
    'session-registered': new Set(),
    'session-deregistered': new Set(),
  };
  /** Made-up ids are `<epoch>-<seq>`: a random epoch per channel, so ids from a restarted server are unknown. */
  readonly #epoch = Math.floor(Math.random() * 2 ** 32)
    .toString(36)
    .padStart(7, '0');
  #seq = 0;
  #lastId = '';

  constructor(options?: ChannelOptions) {
    this.#history = resolveHistory(options);
  }

  /** Sessions currently in the channel. */
  get sessionCount(): number {
    return this.#members.size;
  }

  /** The sessions currently in the channel. */
  get sessions(): IterableIterator<Session> {
    return this.#members.keys();
  }

  /** The id of the newest broadcast ('' before the first). */
  get lastEventId(): string {
    return this.#lastId;
  }

  /**
   * Adds a session. With history, a session with a known `lastEventId` first gets every event after
   * it; an unknown or expired id gets a `tidings-reset` event; a session without one gets a bare `id:`
   * line marking its position, so that a reconnect replays what it missed. The session leaves the
   * channel by itself when it closes.
   */
  register(session: Session): void {
    if (!session.connected || this.#members.has(session)) return;
    const member: Member = { replaying: false, removeCloseListener: () => {} };
    this.#members.set(session, member);
    member.removeCloseListener = session.onClose(() => this.deregister(session));
    if (this.#history !== null) this.#startReplay(session, member, this.#history);
    this.#emit('session-registered', session);
  }

  /** Whether `session` is still being given history (live events reach it after the replay). */
  isReplaying(session: Session): boolean {
    return this.#members.get(session)?.replaying === true;
  }

  /** Removes a session (it stays open). Returns false when it was not in the channel. */
  deregister(session: Session): boolean {
    const member = this.#members.get(session);
    if (member === undefined) return false;
    this.#members.delete(session);
    member.removeCloseListener();
    this.#emit('session-deregistered', session);
    return true;
  }

  /** Sends `data` to every session (that passes `filter`); returns the event id ('' when none). */
  broadcast(data: string, options: BroadcastOptions = {}): string {
    const { event, filter } = options;
    if (filter !== undefined && typeof filter !== 'function') throw new TypeError('filter must be a function');
    const history = this.#history;
    const id = options.id ?? (history !== null ? `${this.#epoch}-${this.#seq + 1}` : undefined);
    // Serialize once (and reject injected fields before anything is recorded).
    const fields: { data: string; event?: string; id?: string } = { data };
    if (event !== undefined) fields.event = event;
    if (id !== undefined) fields.id = id;
    const bytes = encodeEvent(fields);
    if (history !== null && id !== undefined) {
      this.#seq++;
      history.append({ seq: this.#seq, id, bytes, time: Date.now(), filter: filter ?? null });
    }
    if (id !== undefined) this.#lastId = id;
    for (const [session, member] of this.#members) {
      if (!member.replaying && (filter === undefined || filter(session))) session.write(bytes);
    }
    return id ?? '';
  }

  /** `broadcast(JSON.stringify(value), options)`. */
  broadcastJson(value: unknown, options: BroadcastOptions = {}): string {
    const data = JSON.stringify(value);
    if (data === undefined) throw new TypeError('broadcastJson needs a JSON-serializable value');
    return this.broadcast(data, options);
  }

  /** Listens for sessions joining or leaving; returns the function that stops listening. */
  on(name: ChannelEventName, listener: ChannelListener): () => void {
    const set = this.#listeners[name];
    if (set === undefined) throw new TypeError("channel events are 'session-registered' and 'session-deregistered'");
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Stops a listener added with `on`. */
  off(name: ChannelEventName, listener: ChannelListener): void {
    this.#listeners[name]?.delete(listener);
  }

  #emit(name: ChannelEventName, session: Session): void {
    const event = { session, count: this.#members.size };
    for (const listener of [...this.#listeners[name]]) listener(event);
  }

  /** The id of the channel's position now: the newest broadcast's, or `<epoch>-0` before the first. */
  #currentId(): string {
    return this.#lastId === '' ? `${this.#epoch}-0` : this.#lastId;
  }

  /** The position (seq) that an id stands for, or null when it is unknown or has left the history. */
  #positionOf(id: string, history: History): number | null {
    const seq = history.seqOf(id);
    if (seq !== undefined) return seq;
    // The newest id stays valid after it ages out: nothing came after it.
    if (id === this.#lastId) return this.#seq;
    if (id === `${this.#epoch}-0`) return 0;
    return null;
  }

  /** The first seq a replay can still deliver; anything before it is gone. */
  #firstAvailable(history: History): number {
    return history.firstSeq ?? this.#seq + 1;
  }

  #startReplay(session: Session, member: Member, history: History): void {
    history.prune(Date.now());
    if (session.lastEventId === '') {
      // A position marker: an id with no data dispatches nothing but sets the client's last event id
      // ([spec] "dispatch the event" step 1), so its reconnect replays what it missed.
      session[writeControl](encodeEvent({ id: this.#currentId() }));
      return;
    }
    const position = this.#positionOf(session.lastEventId, history);
    if (position === null || position + 1 < this.#firstAvailable(history)) {
      this.#reset(session);
      return;
    }
    if (position < this.#seq) {
      member.replaying = true;
      void this.#replay(session, member, history, position + 1);
    }
  }

  /**
   * Writes history from `cursor` in batches, waiting for the session to drain between them. Live
   * broadcasts skip a replaying session: they are in the history and the replay reaches them. The
   * switch to live happens in the same synchronous step that finds the history exhausted, so no
   * broadcast can fall between the two (no gap) or be sent twice (no duplicate).
   */
  async #replay(session: Session, member: Member, history: History, cursor: number): Promise<void> {
    while (session.connected && this.#members.get(session) === member) {
      if (cursor < this.#firstAvailable(history)) {
        // The client read so slowly that what it still needed has left the history.
        member.replaying = false;
        this.#reset(session);
        return;
      }
      let bytes = 0;
      while (cursor <= this.#seq && bytes < REPLAY_BATCH_BYTES) {
        const entry = history.get(cursor++);
        if (entry === undefined || (entry.filter !== null && !entry.filter(session))) continue;
        session.write(entry.bytes);
        bytes += entry.bytes.byteLength;
      }
      if (cursor > this.#seq) {
        member.replaying = false;
        return;
      }
      await session.whenDrained();
    }
  }

  /**
   * Tells the session in-band that its `Last-Event-ID` cannot be honoured, and moves its last event id
   * to the newest event so the next reconnect does not ask again.
   */
  #reset(session: Session): void {
    const data = JSON.stringify({ reason: 'unknown-or-expired' });
    session.write(encodeEvent({ event: RESET_EVENT, id: this.#currentId(), data }));
  }
}

/** Creates a channel. Throws a TypeError for bad options. */
export function createChannel(options?: ChannelOptions): Channel {
  return new Channel(options);
}
