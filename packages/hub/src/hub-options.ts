import type { HistoryStore } from './history-store.js';
import { createVerifyKey, isJwtAlgorithm, JWT_ALGORITHMS, type JwtAlgorithm, type JwtKey } from './jwt.js';
import {
  DEFAULT_HEARTBEAT_SECONDS,
  DEFAULT_HISTORY_SIZE,
  DEFAULT_HISTORY_TTL_SECONDS,
  DEFAULT_JWT_ALG,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_SUBSCRIBERS,
  DEFAULT_SUBSCRIBER_QUEUE_BYTES,
} from './limits.js';
import { LOG_LEVELS, type LogLevel, type LogSink, stdoutSink } from './logger.js';
import { MemoryHistoryStore } from './memory-store.js';

/** A verification key: the secret (HS*) or PEM public key (RS256, ES256), with its algorithm. */
export interface KeyOption {
  key: string | Uint8Array;
  /** Default `HS256`. */
  alg?: JwtAlgorithm;
}

/** Options of `createHub`. `undefined` means the default; `null` disables a feature. */
export interface HubOptions {
  /** Key for publisher tokens; null: nobody may publish over HTTP (`hub.publish()` still works). */
  publisherKey?: KeyOption | null;
  /** Key for subscriber tokens; default: the publisher key; null: subscriber tokens are refused. */
  subscriberKey?: KeyOption | null;
  /** Subscribers without a token receive public updates; default false (they get 401). */
  anonymous?: boolean;
  /** Origins allowed to use the hub from browsers (`*` for any, without credentials); default none. */
  corsOrigins?: readonly string[];
  /** Seconds between keep-alive comments; default 30; null or 0 disables. */
  heartbeat?: number | null;
  /** Updates kept for replay; default 10000; 0 keeps none. */
  historySize?: number;
  /** Seconds an update is kept for replay; default null (until the size limit trims it). */
  historyTtl?: number | null;
  /** Where history lives; default a new `MemoryHistoryStore`. The hub closes it on `close()`. */
  store?: HistoryStore;
  /** Largest publish body in bytes; default 1048576. */
  maxBody?: number;
  /** Bytes queued for one subscriber before it is disconnected as slow; default 4194304. */
  subscriberQueueBytes?: number;
  /** Concurrent subscribers; more get 429; default 100000. */
  maxSubscribers?: number;
  /** The hub's public URL, the base of relative URL patterns and topics; default http://localhost/.well-known/mercure. */
  publicUrl?: string;
  /** Send the in-band `tidings-replay` event to replaying subscribers (see README); default true. */
  replayEvent?: boolean;
  /** Log threshold; default `info`. */
  logLevel?: LogLevel;
  /** Where JSON log lines go; default stdout; null: no logs. */
  log?: LogSink | null;
}

export interface ResolvedHubOptions {
  readonly publisherKey: JwtKey | null;
  readonly subscriberKey: JwtKey | null;
  readonly anonymous: boolean;
  readonly corsOrigins: readonly string[];
  readonly heartbeatSeconds: number | null;
  readonly historySize: number;
  readonly historyTtlMs: number | null;
  readonly store: HistoryStore;
  readonly maxBody: number;
  readonly subscriberQueueBytes: number;
  readonly maxSubscribers: number;
  readonly publicUrl: string;
  readonly replayEvent: boolean;
  readonly logLevel: LogLevel;
  readonly log: LogSink | null;
}

function positiveInteger(name: string, value: unknown, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new TypeError(`${name} must be a whole number ${allowZero ? '>= 0' : '>= 1'}, got ${String(value)}`);
  }
  return value;
}

function key(name: string, option: KeyOption | null | undefined): JwtKey | null {
  if (option === undefined || option === null) return null;
  if (typeof option !== 'object') throw new TypeError(`${name} must be { key, alg? } or null`);
  const alg = option.alg ?? DEFAULT_JWT_ALG;
  if (!isJwtAlgorithm(alg)) throw new TypeError(`${name}.alg must be one of ${JWT_ALGORITHMS.join(', ')}`);
  try {
    return createVerifyKey(alg, option.key);
  } catch (error) {
    throw new TypeError(`${name}: ${(error as Error).message}`);
  }
}

/** Validates options at the call, with a TypeError that says how to fix them. */
export function resolveHubOptions(options: HubOptions = {}): ResolvedHubOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('createHub options must be an object');
  const publisherKey = key('publisherKey', options.publisherKey);
  const subscriberKey =
    options.subscriberKey === undefined ? publisherKey : key('subscriberKey', options.subscriberKey);
  const corsOrigins = options.corsOrigins ?? [];
  if (
    !Array.isArray(corsOrigins) ||
    !corsOrigins.every((o) => typeof o === 'string' && (o === '*' || /^https?:\/\/[^/]+$/.test(o)))
  ) {
    throw new TypeError(
      'corsOrigins must be an array of origins such as "https://example.com" (scheme and host, no path) or "*"',
    );
  }
  const heartbeat =
    options.heartbeat === null ? 0 : positiveInteger('heartbeat', options.heartbeat, DEFAULT_HEARTBEAT_SECONDS, true);
  const ttl =
    options.historyTtl === null
      ? null
      : options.historyTtl === undefined
        ? DEFAULT_HISTORY_TTL_SECONDS
        : positiveInteger('historyTtl', options.historyTtl, 0);
  const publicUrl = options.publicUrl ?? 'http://localhost/.well-known/mercure';
  try {
    new URL(publicUrl);
  } catch {
    throw new TypeError('publicUrl must be an absolute URL such as "https://hub.example.com/.well-known/mercure"');
  }
  const logLevel = options.logLevel ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new TypeError(`logLevel must be one of ${LOG_LEVELS.join(', ')}`);
  if (options.log !== undefined && options.log !== null && typeof options.log !== 'function') {
    throw new TypeError('log must be a function receiving each JSON line, or null');
  }
  const store = options.store ?? new MemoryHistoryStore();
  if (typeof store.append !== 'function' || typeof store.readAfter !== 'function' || typeof store.trim !== 'function') {
    throw new TypeError('store must implement the HistoryStore interface (append, readAfter, trim, close)');
  }
  return {
    publisherKey,
    subscriberKey,
    anonymous: options.anonymous ?? false,
    corsOrigins,
    heartbeatSeconds: heartbeat === 0 ? null : heartbeat,
    historySize: positiveInteger('historySize', options.historySize, DEFAULT_HISTORY_SIZE, true),
    historyTtlMs: ttl === null ? null : ttl * 1000,
    store,
    maxBody: positiveInteger('maxBody', options.maxBody, DEFAULT_MAX_BODY_BYTES),
    subscriberQueueBytes: positiveInteger(
      'subscriberQueueBytes',
      options.subscriberQueueBytes,
      DEFAULT_SUBSCRIBER_QUEUE_BYTES,
    ),
    maxSubscribers: positiveInteger('maxSubscribers', options.maxSubscribers, DEFAULT_MAX_SUBSCRIBERS),
    publicUrl,
    replayEvent: options.replayEvent ?? true,
    logLevel,
    log: options.log === undefined ? stdoutSink : options.log,
  };
}
