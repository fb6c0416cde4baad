import type { ResolvedLogLimits } from './log-limits.js';

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

function wholeNumber(name: string, value: unknown, fallback: number, unit: string, hint: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`${name} must be a whole number of ${unit} >= 1${hint}, got ${String(value)}`);
  }
  return value;
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
  if (history !== undefined && (typeof history !== 'object' || history === null)) {
    throw new TypeError(`${name} must be an object such as { size: 1000, maxAge: 300000 }, or null to keep none`);
  }
  const maxAge = history?.maxAge;
  return {
    maxCount: wholeNumber(
      `${name}.size`,
      history?.size,
      defaults.maxCount,
      'events',
      ` (to keep no history, pass ${name}: null)`,
    ),
    maxBytes: wholeNumber(`${name}.maxBytes`, history?.maxBytes, defaults.maxBytes, 'bytes', ''),
    maxAge:
      maxAge === undefined
        ? defaults.maxAge
        : maxAge === null
          ? null
          : wholeNumber(`${name}.maxAge`, maxAge, 0, 'milliseconds', ' (or null for no age limit)'),
  };
}
