import type { LogLimits } from './event-log.js';
import { DEFAULT_LOG_MAX_BYTES, DEFAULT_LOG_MAX_COUNT } from './limits.js';

/** LogLimits with every default filled in (maxAge null: no age limit). */
export interface ResolvedLogLimits {
  readonly maxCount: number;
  readonly maxBytes: number;
  readonly maxAge: number | null;
}

// The checks below serve every spelling of the three limits: a log's `limits` (`maxCount`) and the
// `history` option of createChannel and createHub (`size`), so each message names the option its caller
// passed (`history.size`, `limits.maxCount`) and says its unit.

/** Throws unless `value` is undefined or an object; `example` is one such object, `orNull` what null means. */
export function checkLimitsObject(name: string, value: unknown, example: string, orNull = ''): void {
  if (value !== undefined && (typeof value !== 'object' || value === null)) {
    throw new TypeError(`${name} must be an object such as ${example}${orNull}`);
  }
}

/** A count or size limit: `fallback` when left out, else a whole number >= `min`. */
export function wholeLimit(
  name: string,
  value: unknown,
  fallback: number,
  min: number,
  unit: string,
  hint = '',
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new TypeError(`${name} must be a whole number of ${unit} >= ${min}${hint}, got ${String(value)}`);
  }
  return value;
}

/** An age limit in milliseconds: `fallback` when left out, null for none, else a whole number >= 1. */
export function ageLimit(name: string, value: unknown, fallback: number | null): number | null {
  if (value === undefined) return fallback;
  if (value === null) return null;
  return wholeLimit(name, value, 0, 1, 'milliseconds', ' (or null for no age limit)');
}

/** Validates limits at the call (every log uses this), with a TypeError that says how to fix them. */
export function resolveLogLimits(limits: LogLimits | undefined, name = 'limits'): ResolvedLogLimits {
  checkLimitsObject(name, limits, '{ maxCount: 10000, maxBytes: 67108864, maxAge: null }');
  return {
    maxCount: wholeLimit(`${name}.maxCount`, limits?.maxCount, DEFAULT_LOG_MAX_COUNT, 0, 'entries'),
    maxBytes: wholeLimit(`${name}.maxBytes`, limits?.maxBytes, DEFAULT_LOG_MAX_BYTES, 1, 'bytes'),
    maxAge: ageLimit(`${name}.maxAge`, limits?.maxAge, null),
  };
}
