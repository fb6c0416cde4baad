import type { LogLimits } from './event-log.js';
import { DEFAULT_LOG_MAX_BYTES, DEFAULT_LOG_MAX_COUNT } from './limits.js';

/** LogLimits with every default filled in (maxAge null: no age limit). */
export interface ResolvedLogLimits {
  readonly maxCount: number;
  readonly maxBytes: number;
  readonly maxAge: number | null;
}

function wholeNumber(name: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new TypeError(`${name} must be a whole number >= ${min}, got ${String(value)}`);
  }
  return value;
}

/** Validates limits at the call (every log uses this), with a TypeError that says how to fix them. */
export function resolveLogLimits(limits: LogLimits | undefined, name = 'limits'): ResolvedLogLimits {
  if (limits !== undefined && (typeof limits !== 'object' || limits === null)) {
    throw new TypeError(`${name} must be an object such as { maxCount: 10000, maxBytes: 67108864, maxAge: null }`);
  }
  return {
    maxCount: wholeNumber(`${name}.maxCount`, limits?.maxCount, DEFAULT_LOG_MAX_COUNT, 0),
    maxBytes: wholeNumber(`${name}.maxBytes`, limits?.maxBytes, DEFAULT_LOG_MAX_BYTES, 1),
    maxAge:
      limits?.maxAge === undefined || limits.maxAge === null
        ? null
        : wholeNumber(`${name}.maxAge`, limits.maxAge, 0, 1),
  };
}
