export { SqliteLog } from './sqlite-log.js';
export {
  DEFAULT_BUSY_TIMEOUT_MS,
  type SqliteLogOptions,
  type SqliteSynchronous,
} from './sqlite-log-options.js';
