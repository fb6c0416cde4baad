import {
  DEFAULT_BACKOFF_FACTOR,
  DEFAULT_INITIAL_DELAY,
  DEFAULT_JITTER,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_MAX_DELAY,
} from './defaults.js';
import type { EventSourceErrorCode } from './errors.js';

/** What `shouldReconnect` is told before each reconnection. */
export interface ReconnectAttempt {
  /** 1 for the first reconnection after a connection was lost; counts up until a connection opens. */
  attempt: number;
  /** Milliseconds the client is about to wait before this attempt. */
  delay: number;
  /** Why the previous connection ended (the `code` of the error event). */
  code: EventSourceErrorCode;
  /** The HTTP status of the previous response, or null when there was none. */
  status: number | null;
}

/**
 * Opt-in reconnection policy: exponential backoff with jitter, bounded. Without it the client waits
 * the reconnection time (3 s, or the server's `retry:`) before every attempt, forever, as the standard
 * says. With it, attempt n waits min(maxDelay, initialDelay * factor^(n-1)), less a random share of up
 * to `jitter` of it. Once the server has sent `retry:`, that value is the delay (no growth, no jitter):
 * the server knows best how soon it can take clients back.
 */
export interface ReconnectOptions {
  /** First delay, in ms. Default 3000. */
  initialDelay?: number;
  /** Growth per failed attempt in a row, >= 1. Default 2. */
  factor?: number;
  /** Largest delay, in ms. Default 30000. */
  maxDelay?: number;
  /** Share of each delay that is random, 0 to 1 (0.5: a delay d becomes d/2 to d). Default 0.5. */
  jitter?: number;
  /** Reconnection attempts in a row before the connection fails for good. Default Infinity. */
  maxAttempts?: number;
  /** Called before each attempt; return false to stop and fail the connection instead. Default none. */
  shouldReconnect?: (attempt: ReconnectAttempt) => boolean;
  /** Source of randomness for the jitter, returning [0, 1). Default Math.random. */
  random?: () => number;
}

export interface ReconnectPolicy {
  initialDelay: number;
  factor: number;
  maxDelay: number;
  jitter: number;
  maxAttempts: number;
  shouldReconnect: ((attempt: ReconnectAttempt) => boolean) | undefined;
  random: () => number;
}

function nonNegative(name: string, value: number | undefined, fallback: number, minimum = 0): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value < minimum) {
    throw new TypeError(`reconnect.${name} must be a number >= ${minimum}, got ${String(value)}`);
  }
  return value;
}

/** Validates a `reconnect` option; throws a TypeError that says which field is wrong and how. */
export function resolveReconnectPolicy(options: ReconnectOptions): ReconnectPolicy {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('reconnect must be an object such as { maxDelay: 30000, maxAttempts: 10 }');
  }
  const jitter = nonNegative('jitter', options.jitter, DEFAULT_JITTER);
  if (jitter > 1) throw new TypeError(`reconnect.jitter must be between 0 and 1, got ${jitter}`);
  const maxAttempts = nonNegative('maxAttempts', options.maxAttempts, DEFAULT_MAX_ATTEMPTS);
  if (maxAttempts !== Number.POSITIVE_INFINITY && !Number.isInteger(maxAttempts)) {
    throw new TypeError(`reconnect.maxAttempts must be an integer or Infinity, got ${maxAttempts}`);
  }
  for (const name of ['shouldReconnect', 'random'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new TypeError(`reconnect.${name} must be a function`);
    }
  }
  return {
    initialDelay: nonNegative('initialDelay', options.initialDelay, DEFAULT_INITIAL_DELAY),
    factor: nonNegative('factor', options.factor, DEFAULT_BACKOFF_FACTOR, 1),
    maxDelay: nonNegative('maxDelay', options.maxDelay, DEFAULT_MAX_DELAY),
    jitter,
    maxAttempts,
    shouldReconnect: options.shouldReconnect,
    random: options.random ?? Math.random,
  };
}

/**
 * The delay before reconnection attempt `attempt` (1-based), in whole ms, ignoring the server's
 * `retry:` (the caller applies that rule).
 */
export function backoffDelay(policy: ReconnectPolicy, attempt: number): number {
  const grown = policy.initialDelay * policy.factor ** (attempt - 1);
  const capped = Math.min(policy.maxDelay, grown);
  return Math.round(capped - capped * policy.jitter * policy.random());
}
