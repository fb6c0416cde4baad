export { DEFAULT_BUSY_TIMEOUT_MS, RECENT_ENTRIES_MAX_BYTES, RECENT_ENTRIES_MAX_COUNT } from './limits.js';
export { SqliteLog } from './sqlite-log.js';
export type { SqliteLogOptions, SqliteSynchronous } from './sqlite-log-options.js';
