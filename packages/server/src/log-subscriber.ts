/**
 * One subscriber of an event log: the only replay-then-live path, used by the Channel and by the hub.
 *
 * It is registered with its dispatcher (which calls `deliver` with each entry of the feed it wants)
 * before the log is read, so nothing published meanwhile is missed:
 *   1. holding: entries from the feed are queued (bounded in bytes), not written;
 *   2. `start(session, replayStart, wants)`: history after the start position is written page by page,
 *      each page read after the last *position* read (never by looking an id up again);
 *   3. when a page comes back short, held entries at or before the last position read are dropped, the
 *      rest are written in order, and the subscriber is live. Positions make this exact: no entry can be
 *      both replayed and held (no duplicate), and the feed holds everything after (no gap).
 * Any failure on the way ends the subscriber once, through `onEnd`.
 */
import { encodeEvent } from '@tidings/protocol';
import { encodeEntry } from './entry-encoding.js';
import type { EventLog, LogEntry } from './event-log.js';
import { REPLAY_BATCH_BYTES, REPLAY_PAGE_SIZE } from './limits.js';
import { type Session, writeControl } from './session.js';

/** The reserved `Last-Event-ID` value asking for the whole history, and the anchor of a replay that lost its place. */
export const EARLIEST = 'earliest';

/**
 * The in-band event a subscriber that sent a `Last-Event-ID` receives before its replay:
 * `event: tidings-replay`, data `{"lastEventId":"<anchor>","requested":"<what the client sent>"}`,
 * where the anchor is the id replay continues after, or `earliest` when that id is unknown or was
 * trimmed (events may have been missed). It carries no `id:`, so it does not move the client's last
 * event id. It is sent again, with `earliest`, if entries are trimmed while a slow replay runs.
 */
export const REPLAY_EVENT = 'tidings-replay';

/** Where a replay starts. */
export interface ReplayStart {
  /** The client's `Last-Event-ID`, as sent. */
  readonly requested: string;
  /** The position replay continues after (0: the oldest kept entry). */
  readonly after: number;
  /** The id replay continues after, or `earliest` when the requested id is unknown or was trimmed. */
  readonly anchor: string;
}

/** Looks the client's `Last-Event-ID` up once. `earliest`, unknown and trimmed ids start at the oldest kept entry. */
export async function resolveReplayStart(log: EventLog, requested: string): Promise<ReplayStart> {
  const position = requested === EARLIEST ? null : await log.lookup(requested);
  return position === null
    ? { requested, after: 0, anchor: EARLIEST }
    : { requested, after: position, anchor: requested };
}

/** Why a subscriber ended. */
export type SubscriberEnd =
  /** Its session closed (the client left, or the server closed it). */
  | 'closed'
  /** Live entries held during its replay passed `maxHeldBytes`: the client reads too slowly. */
  | 'slow'
  /** Reading the log failed during replay (the session is closed so that the client reconnects). */
  | 'failed';

export interface LogSubscriberOptions {
  /** Bytes of live entries held while the subscriber is not live yet; past it, it ends as `slow`. */
  maxHeldBytes: number;
  /** Send the in-band `tidings-replay` event before a replay; default true. */
  replayEvent?: boolean;
  /** Called once when the subscriber ends, with why (and the error for `failed`). */
  onEnd?: (why: SubscriberEnd, error?: unknown) => void;
}

export type SubscriberState = 'holding' | 'live' | 'closed';

export class LogSubscriber {
  readonly #maxHeldBytes: number;
  readonly #replayEvent: boolean;
  readonly #onEnd: ((why: SubscriberEnd, error?: unknown) => void) | undefined;
  #state: SubscriberState = 'holding';
  #session: Session<unknown> | null = null;
  #held: LogEntry[] = [];
  #heldBytes = 0;
  /** The last position written or passed over: the feed's entries at or before it are not written again. */
  #position = 0;

  constructor(options: LogSubscriberOptions) {
    this.#maxHeldBytes = options.maxHeldBytes;
    this.#replayEvent = options.replayEvent ?? true;
    this.#onEnd = options.onEnd;
  }

  get state(): SubscriberState {
    return this.#state;
  }

  /** The session, once started. */
  get session(): Session<unknown> | null {
    return this.#session;
  }

  /**
   * Gives the subscriber an entry of the feed that it wants. Live: written now (true). Holding: queued
   * until the replay joins (false). Entries at or before the replay's last position are ignored.
   */
  deliver(entry: LogEntry): boolean {
    if (this.#state === 'live') {
      if (entry.position <= this.#position) return false;
      this.#position = entry.position;
      this.#session!.write(encodeEntry(entry));
      return true;
    }
    if (this.#state === 'holding') {
      this.#held.push(entry);
      this.#heldBytes += entry.size;
      if (this.#heldBytes > this.#maxHeldBytes) this.#end('slow');
    }
    return false;
  }

  /**
   * Attaches the open session and, with a replay start, writes the history after it; then joins the
   * live feed. Without one (no `Last-Event-ID`), the subscriber is live at once, from
   * `livePosition` on (the held entries after it are written first). Resolves the number of entries
   * written; never rejects (a failure ends the subscriber).
   */
  async start(
    session: Session<unknown>,
    replay: ReplayStart | null,
    wants: (entry: LogEntry) => boolean,
    log: EventLog,
    livePosition = 0,
  ): Promise<number> {
    if (this.#state !== 'holding') {
      if (this.#state === 'closed') session.close();
      return 0;
    }
    this.#session = session;
    session.onClose(() => this.#end('closed'));
    if (replay === null) return this.#goLive(livePosition);
    try {
      return await this.#replay(session, replay, wants, log);
    } catch (error) {
      this.#end('failed', error);
      return 0;
    }
  }

  /** Ends the subscriber and closes its session. */
  close(): void {
    this.#end('closed');
  }

  /** Ends the subscriber but leaves its session open (it was removed from its channel, say). */
  detach(): void {
    this.#end('closed', undefined, false);
  }

  async #replay(
    session: Session<unknown>,
    start: ReplayStart,
    wants: (entry: LogEntry) => boolean,
    log: EventLog,
  ): Promise<number> {
    // A control write: it carries no event data, so it does not end a polling response by itself.
    if (this.#replayEvent) session[writeControl](replayEventBytes(start.anchor, start.requested));
    let cursor = start.after;
    let written = 0;
    let lostPlace = start.anchor === EARLIEST;
    for (;;) {
      const page = await log.read(cursor, REPLAY_PAGE_SIZE);
      if (this.#state !== 'holding') return written;
      if (page.gap && !lostPlace) {
        // Entries after the cursor were trimmed before this read reached them: say so, never skip silently.
        lostPlace = true;
        if (this.#replayEvent) session[writeControl](replayEventBytes(EARLIEST, start.requested));
      }
      for (const entry of page.entries) {
        cursor = entry.position;
        if (wants(entry)) {
          session.write(encodeEntry(entry));
          written++;
        }
      }
      if (page.entries.length < REPLAY_PAGE_SIZE) break;
      // Let a slow client take the history in pieces rather than overflowing its buffer at once.
      if (session.bufferedBytes > REPLAY_BATCH_BYTES) await session.whenDrained();
      // And let everything else run between two pages: an in-process log answers at once, so a long
      // replay (matching thousands of entries) would otherwise hold the event loop until it ends.
      else await nextTurn();
      if (this.#state !== 'holding') return written;
    }
    return written + this.#goLive(cursor);
  }

  /** Switches to live after `position`: held entries after it are written in order, the rest dropped. */
  #goLive(position: number): number {
    this.#position = position;
    this.#state = 'live';
    const held = this.#held;
    this.#held = [];
    this.#heldBytes = 0;
    let written = 0;
    for (const entry of held) if (this.deliver(entry)) written++;
    return written;
  }

  #end(why: SubscriberEnd, error?: unknown, closeSession = true): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#held = [];
    this.#heldBytes = 0;
    if (closeSession) this.#session?.close();
    this.#onEnd?.(why, error);
  }
}

/** Resolves on a later turn of the event loop, after pending I/O and timers. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function replayEventBytes(anchor: string, requested: string): Uint8Array {
  return encodeEvent({ event: REPLAY_EVENT, data: JSON.stringify({ lastEventId: anchor, requested }) });
}
