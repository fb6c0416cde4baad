import { type LogLimits, type ResolvedLogLimits, resolveLogLimits } from '@tidings/server';
import {
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_PREFIX,
  MAX_PREFIX_LENGTH,
  RECENT_ENTRIES_MAX_BYTES,
  RECENT_ENTRIES_MAX_COUNT,
} from './limits.js';

/** How many of the newest entries a node keeps in memory in front of Redis (see `RedisLogOptions.recentEntries`). */
export interface RecentEntriesLimits {
  /** Entries; default 10,000 (`RECENT_ENTRIES_MAX_COUNT`). 0 keeps none. */
  maxCount?: number;
  /** Bytes (the entries' `size`); default 16 MiB (`RECENT_ENTRIES_MAX_BYTES`). */
  maxBytes?: number;
}

/** Options of `new RedisLog(options)` and `RedisLog.connect(options)`. */
export interface RedisLogOptions {
  /**
   * Where Redis is: `redis://[[user]:password@]host[:port][/db]`, or `rediss://…` for TLS. Required.
   * The password never appears in errors, health or logs.
   */
  url: string;
  /**
   * Start of every key of this log; default `'tidings:'`. Logs with different prefixes share one Redis
   * without seeing each other's events; every node of one hub or app uses the same prefix.
   */
  prefix?: string;
  /** How much history the log keeps; default 10,000 entries, 64 MiB, no age limit. Give every node the same. */
  limits?: LogLimits;
  /** Milliseconds to open a connection before the attempt counts as failed; default 1000. */
  connectTimeout?: number;
  /**
   * Milliseconds a command may take; default 1000. An append that is not confirmed within it rejects
   * with 'LOG_UNAVAILABLE', and Redis will not run it later (see the README, "What an append promises").
   */
  commandTimeout?: number;
  /**
   * The newest entries this node keeps in memory, from its feed, so that reads of recent history (a
   * reconnect storm) need no round trip to Redis and share one encoding per entry; default 10,000
   * entries and 16 MiB, never more than `limits`; null keeps none (every read goes to Redis). Memory
   * per node: up to about `maxBytes` of entries. See the README, "The newest entries, in memory".
   */
  recentEntries?: RecentEntriesLimits | null;
}

/** RedisLogOptions checked, with every default filled in. */
export interface ResolvedRedisLogOptions {
  readonly url: string;
  readonly prefix: string;
  readonly limits: ResolvedLogLimits;
  readonly connectTimeout: number;
  readonly commandTimeout: number;
  /** The window's bounds, at most `limits`; 0 entries when it is off. */
  readonly recentEntries: { readonly maxCount: number; readonly maxBytes: number };
}

const URL_SHAPE = 'redis://[[user]:password@]host[:port][/db] or rediss://…';

/** The URL without its user and password, for messages: never print a password. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return 'a string that is not a URL';
  }
}

function checkUrl(url: unknown): string {
  if (typeof url !== 'string' || url.length === 0) {
    throw new TypeError(`url is required: give where Redis is, as ${URL_SHAPE}`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not echoed: a malformed URL may still hold a password.
    throw new TypeError(`url must look like ${URL_SHAPE}; got a string that is not a URL`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new TypeError(`url must start with redis:// or rediss://, got ${parsed.protocol}//`);
  }
  if (parsed.hostname === '') throw new TypeError(`url must name a host, as ${URL_SHAPE}`);
  if (!/^(\/\d{0,5})?$/.test(parsed.pathname)) {
    throw new TypeError(`url may end with a database number only (such as /0), got ${redactUrl(url)}`);
  }
  if (parsed.search !== '' || parsed.hash !== '') {
    throw new TypeError(`url must not carry a query or fragment; set options instead (got ${redactUrl(url)})`);
  }
  return url;
}

function milliseconds(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`${name} must be a whole number of milliseconds >= 1, got ${String(value)}`);
  }
  return value;
}

function count(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(`${name} must be a whole number >= 0, got ${String(value)}`);
  }
  return value;
}

function recentEntries(value: unknown, limits: ResolvedLogLimits): ResolvedRedisLogOptions['recentEntries'] {
  if (value === null) return { maxCount: 0, maxBytes: 0 };
  if (value !== undefined && (typeof value !== 'object' || Array.isArray(value))) {
    throw new TypeError(
      'recentEntries must be { maxCount, maxBytes }, null to keep none, or undefined for the default',
    );
  }
  const given = (value ?? {}) as RecentEntriesLimits;
  const maxCount = count('recentEntries.maxCount', given.maxCount, RECENT_ENTRIES_MAX_COUNT);
  const maxBytes = count('recentEntries.maxBytes', given.maxBytes, RECENT_ENTRIES_MAX_BYTES);
  // More than the log keeps would be entries Redis has trimmed.
  return { maxCount: Math.min(maxCount, limits.maxCount), maxBytes: Math.min(maxBytes, limits.maxBytes) };
}

/** Validates options at the call, with a TypeError that says how to fix them (and never shows a password). */
export function resolveRedisLogOptions(options: RedisLogOptions): ResolvedRedisLogOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError("RedisLog needs options such as { url: 'redis://127.0.0.1:6379' }");
  }
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  if (typeof prefix !== 'string' || prefix.length > MAX_PREFIX_LENGTH) {
    throw new TypeError(`prefix must be a string of at most ${MAX_PREFIX_LENGTH} characters, such as 'myapp:'`);
  }
  const limits = resolveLogLimits(options.limits);
  return {
    url: checkUrl(options.url),
    prefix,
    limits,
    connectTimeout: milliseconds('connectTimeout', options.connectTimeout, DEFAULT_CONNECT_TIMEOUT_MS),
    commandTimeout: milliseconds('commandTimeout', options.commandTimeout, DEFAULT_COMMAND_TIMEOUT_MS),
    recentEntries: recentEntries(options.recentEntries, limits),
  };
}
