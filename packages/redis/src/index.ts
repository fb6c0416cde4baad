// The public API of @tidings/redis (test/exports.test.ts lists its values: add one there on purpose): the
// log, its options, and the defaults and limits of those options. The feed's and trimming's tuning
// constants, the key layout and the URL redaction are internal; tests import them by path.
export {
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_PREFIX,
  MAX_PREFIX_LENGTH,
  RECENT_ENTRIES_MAX_BYTES,
  RECENT_ENTRIES_MAX_COUNT,
} from './limits.js';
export { RedisLog, type RedisLogStats } from './redis-log.js';
export type { RecentEntriesLimits, RedisLogOptions } from './redis-log-options.js';
