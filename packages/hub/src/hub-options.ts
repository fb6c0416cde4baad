import {
  checkEventLog,
  type EventLog,
  type HistoryOptions,
  historyLimits,
  type LogLimits,
  MemoryLog,
} from '@tidings/server';
import { type ResolvedTokens, resolveTokenOptions, type TokenOptions } from './auth/token-options.js';
import { hubCorsPolicy } from './http/cors.js';
import {
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_HISTORY_BYTES,
  DEFAULT_HISTORY_MAX_AGE_MS,
  DEFAULT_HISTORY_SIZE,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_STREAMS_PER_CLIENT,
  DEFAULT_MAX_SUBSCRIBERS,
  DEFAULT_PUBLISH_RATE_PER_TOKEN,
  DEFAULT_STREAM_RATE_PER_CLIENT,
  DEFAULT_SUBSCRIBER_QUEUE_BYTES,
  MAX_TIMER_MS,
  MIN_HEARTBEAT_MS,
} from './limits.js';
import { LOG_LEVELS, type LogLevel, type LogSink, stdoutSink } from './logger.js';
import {
  type ResolvedSubscriptions,
  resolveSubscriptionOptions,
  type SubscriptionOptions,
} from './subscriptions/subscription-options.js';

/** Options of `createHub`. `undefined` means the default; `null` disables a feature. */
export interface HubOptions extends TokenOptions {
  /** Subscribers without a token receive public updates; default false (they get 401). */
  anonymous?: boolean;
  /** Origins allowed to use the hub from browsers (`*` for any, without credentials); default none. */
  corsOrigins?: readonly string[];
  /**
   * Milliseconds between keep-alive comments, at least 1000; default 30000 (30 s); null sends none. (The
   * CLI's `--heartbeat` takes seconds.)
   */
  heartbeat?: number | null;
  /**
   * What the default memory log keeps for `Last-Event-ID` replay, as `createChannel`'s `history`:
   * `size` (updates, default 10000), `maxBytes` (their event-stream encoding, default 67108864: 64 MiB),
   * `maxAge` (milliseconds, default null: until a size limit trims them); `null` keeps none. Not with
   * `eventLog`.
   */
  history?: HistoryOptions | null;
  /**
   * The event log that orders, keeps and feeds every update: default a `MemoryLog` with the `history`
   * limits. `@tidings/sqlite` keeps history across restarts; `@tidings/redis` makes several hubs
   * act as one. The hub closes it on `close()`.
   */
  eventLog?: EventLog;
  /** Largest publish body in bytes; default 1048576. */
  maxBody?: number;
  /** Bytes queued for one subscriber before it is disconnected as slow; default 4194304. */
  subscriberQueueBytes?: number;
  /** Concurrent subscribers; more get 429; default 100000. */
  maxSubscribers?: number;
  /** Open streams one client address may hold; more get 429; default 1000; null: no limit. IPv6 counts per /64. */
  maxStreamsPerClient?: number | null;
  /** New streams per second per client address, after a burst of `maxStreamsPerClient`; default 100; null: no limit. */
  streamRatePerClient?: number | null;
  /** Updates per second one publisher token may publish over HTTP, after a burst of one second's worth; default 1000; null: no limit. */
  publishRatePerToken?: number | null;
  /**
   * The client address is the last `X-Forwarded-For` entry (set this behind a reverse proxy that appends
   * it, or every client counts as the proxy); default false: the TCP peer's address.
   */
  trustProxy?: boolean;
  /** The hub's public URL, the base of relative URL patterns and topics; default http://localhost/.well-known/mercure. */
  publicUrl?: string;
  /** Send the in-band `tidings-replay` event to replaying subscribers (see README); default true. */
  replayEvent?: boolean;
  /**
   * Active subscriptions (draft-08): subscription events on connect and disconnect, and the subscription
   * API under /.well-known/mercure/subscriptions; default false: neither exists (README, "Active subscriptions").
   */
  subscriptions?: boolean | SubscriptionOptions;
  /** Log threshold; default `info`. */
  logLevel?: LogLevel;
  /** Where JSON log lines go; default stdout; null: no logs. */
  log?: LogSink | null;
}

export interface ResolvedHubOptions extends ResolvedTokens {
  readonly anonymous: boolean;
  readonly corsOrigins: readonly string[];
  /** Milliseconds between keep-alive comments; null: none. */
  readonly heartbeat: number | null;
  readonly eventLog: EventLog;
  readonly maxBody: number;
  readonly subscriberQueueBytes: number;
  readonly maxSubscribers: number;
  readonly maxStreamsPerClient: number | null;
  readonly streamRatePerClient: number | null;
  readonly publishRatePerToken: number | null;
  readonly trustProxy: boolean;
  readonly publicUrl: string;
  readonly replayEvent: boolean;
  /** Null: active subscriptions are off. */
  readonly subscriptions: ResolvedSubscriptions | null;
  readonly logLevel: LogLevel;
  readonly log: LogSink | null;
}

function positiveInteger(name: string, value: unknown, fallback: number, hint = ''): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`${name} must be a whole number >= 1${hint}, got ${String(value)}`);
  }
  return value;
}

/** A limit that `null` turns off. */
function limitOrNull(name: string, value: number | null | undefined, fallback: number): number | null {
  return value === null ? null : positiveInteger(name, value, fallback, ' (or null for no limit)');
}

/**
 * The event-log limits `history` asks for, with the hub's defaults: `tidings hub` gives them to the
 * log its `--store` names. `null` keeps none (the log still orders and feeds every update).
 */
export function hubLogLimits(history: HistoryOptions | null | undefined): LogLimits {
  const defaults = {
    maxCount: DEFAULT_HISTORY_SIZE,
    maxBytes: DEFAULT_HISTORY_BYTES,
    maxAge: DEFAULT_HISTORY_MAX_AGE_MS,
  };
  return history === null ? { ...defaults, maxCount: 0 } : historyLimits(history, defaults);
}

/** Options renamed before the first release: a JavaScript caller still giving one learns the new name. */
const RENAMED: Readonly<Record<string, string>> = {
  historySize: 'history: { size } (or history: null to keep none)',
  historyBytes: 'history: { maxBytes }',
  historyTtl: 'history: { maxAge }, in milliseconds',
};

/** The given event log, or the default memory log with the history limits. */
function resolveEventLog(options: HubOptions): EventLog {
  const { eventLog: log, history } = options;
  if (log !== undefined) {
    if (history !== undefined)
      throw new TypeError('give either eventLog or history, not both: a log has its own limits');
    checkEventLog(log, 'eventLog');
    return log;
  }
  return new MemoryLog(hubLogLimits(history));
}

/** heartbeat is in milliseconds: a small number is refused, it is almost always seconds given by mistake. */
function resolveHeartbeat(value: unknown): number | null {
  if (value === undefined) return DEFAULT_HEARTBEAT_MS;
  if (value === null) return null;
  if (value === 0) throw new TypeError('heartbeat must not be 0: pass null to send no keep-alive comments');
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < MIN_HEARTBEAT_MS || value > MAX_TIMER_MS) {
    throw new TypeError(
      `heartbeat must be a whole number of milliseconds from ${MIN_HEARTBEAT_MS} to ${MAX_TIMER_MS} (30000 is 30 s), or null to send no keep-alive comments; got ${String(value)}`,
    );
  }
  return value;
}

/** Validates options at the call, with a TypeError that says how to fix them. */
export function resolveHubOptions(options: HubOptions = {}): ResolvedHubOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('createHub options must be an object');
  for (const name of Object.keys(RENAMED)) {
    if (name in options) throw new TypeError(`${name} is now ${RENAMED[name]}`);
  }
  const tokens = resolveTokenOptions(options);
  const corsOrigins = options.corsOrigins ?? [];
  if (!Array.isArray(corsOrigins)) {
    throw new TypeError('corsOrigins must be an array of origins such as ["https://example.com"], or ["*"]');
  }
  try {
    hubCorsPolicy(corsOrigins);
  } catch (error) {
    throw new TypeError(`corsOrigins: ${(error as Error).message.replace(/^cors\.origins /, '')}`);
  }
  const heartbeat = resolveHeartbeat(options.heartbeat);
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
  const eventLog = resolveEventLog(options);
  return {
    ...tokens,
    anonymous: options.anonymous ?? false,
    corsOrigins,
    heartbeat,
    eventLog,
    maxBody: positiveInteger('maxBody', options.maxBody, DEFAULT_MAX_BODY_BYTES),
    subscriberQueueBytes: positiveInteger(
      'subscriberQueueBytes',
      options.subscriberQueueBytes,
      DEFAULT_SUBSCRIBER_QUEUE_BYTES,
    ),
    maxSubscribers: positiveInteger('maxSubscribers', options.maxSubscribers, DEFAULT_MAX_SUBSCRIBERS),
    maxStreamsPerClient: limitOrNull(
      'maxStreamsPerClient',
      options.maxStreamsPerClient,
      DEFAULT_MAX_STREAMS_PER_CLIENT,
    ),
    streamRatePerClient: limitOrNull(
      'streamRatePerClient',
      options.streamRatePerClient,
      DEFAULT_STREAM_RATE_PER_CLIENT,
    ),
    publishRatePerToken: limitOrNull(
      'publishRatePerToken',
      options.publishRatePerToken,
      DEFAULT_PUBLISH_RATE_PER_TOKEN,
    ),
    trustProxy: options.trustProxy ?? false,
    publicUrl,
    replayEvent: options.replayEvent ?? true,
    subscriptions: resolveSubscriptionOptions(options.subscriptions),
    logLevel,
    log: options.log === undefined ? stdoutSink : options.log,
  };
}
