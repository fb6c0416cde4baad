export { DEFAULT_BUSY_TIMEOUT_MS } from './limits.js';
export type { SqliteDriverName } from './sqlite-driver.js';
export { SqliteLog } from './sqlite-log.js';
export type { SqliteLogOptions, SqliteSynchronous } from './sqlite-log-options.js';
