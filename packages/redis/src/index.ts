export {
  AGE_TRIM_INTERVAL_MS,
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_PREFIX,
  FEED_BATCH_SIZE,
  FEED_BLOCK_MS,
  FEED_SLACK_BYTES,
  FEED_SLACK_COUNT,
  MAX_PREFIX_LENGTH,
  PROBE_INTERVAL_MS,
  TRIM_BUDGET,
} from './limits.js';
export { type LogKeys, logKeys } from './log-keys.js';
export { RedisLog, type RedisLogStats } from './redis-log.js';
export { type RedisLogOptions, type ResolvedRedisLogOptions, redactUrl } from './redis-log-options.js';
