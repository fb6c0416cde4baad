import { ageLimit, checkLimitsObject, type ResolvedLogLimits, wholeLimit } from './log-limits.js';

/**
 * How much a default memory log remembers for `Last-Event-ID` replay: the `history` option of
 * `createChannel` and of the hub's `createHub`. `history: null` keeps none; a size of 0 is refused, so
 * there is one way to say it.
 */
export interface HistoryOptions {
  /** Events kept, a whole number >= 1 (to keep none, pass `history: null`). */
  size?: number;
  /** Milliseconds an event is kept (the newest outlives it); null: no age limit. */
  maxAge?: number | null;
  /** Bytes of events kept (their event-stream encoding). */
  maxBytes?: number;
}

/**
 * The event-log limits `history` asks for, with `defaults` for what it leaves out. Throws a TypeError
 * that says how to fix a bad value; `name` is the option's name in messages.
 */
export function historyLimits(
  history: HistoryOptions | undefined,
  defaults: ResolvedLogLimits,
  name = 'history',
): ResolvedLogLimits {
  checkLimitsObject(name, history, '{ size: 1000, maxAge: 300000 }', ', or null to keep none');
  return {
    maxCount: wholeLimit(
      `${name}.size`,
      history?.size,
      defaults.maxCount,
      1,
      'events',
      ` (to keep no history, pass ${name}: null)`,
    ),
    maxBytes: wholeLimit(`${name}.maxBytes`, history?.maxBytes, defaults.maxBytes, 1, 'bytes'),
    maxAge: ageLimit(`${name}.maxAge`, history?.maxAge, defaults.maxAge),
  };
}
