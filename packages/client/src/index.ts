export {
  CREDENTIAL_HEADERS,
  DEFAULT_BACKOFF_FACTOR,
  DEFAULT_INITIAL_DELAY,
  DEFAULT_JITTER,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_MAX_DELAY,
  DEFAULT_MAX_QUEUED_BYTES,
  DEFAULT_MAX_QUEUED_EVENTS,
  DEFAULT_RECONNECTION_TIME,
  MAX_REDIRECTS,
  MAX_TIMER_MS,
} from './defaults.js';
export { EventSourceErrorEvent, type EventSourceErrorEventInit } from './error-event.js';
export { EventSourceError, type EventSourceErrorCode } from './errors.js';
export { EventSource, type EventSourceEventMap } from './event-source.js';
export { type IterateOptions, iterate } from './iterate.js';
export type { EventSourceOptions, FetchLike, ReplayableBody } from './options.js';
export type { ReconnectAttempt, ReconnectOptions } from './reconnect-policy.js';
export type { Timers } from './timers.js';
