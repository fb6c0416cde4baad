export { acceptsEventStream } from './accept.js';
export {
  type BroadcastOptions,
  Channel,
  type ChannelEvent,
  type ChannelEventName,
  type ChannelListener,
  type ChannelOptions,
  createChannel,
  type HistoryOptions,
  type SelectFunction,
} from './channel.js';
export { type CorsOptions, corsHeaders, corsPreflight, type ResolvedCors, resolveCors } from './cors.js';
export { encodeEntry, entrySize } from './entry-encoding.js';
export { EventLogError, type EventLogErrorCode, ServerError, type ServerErrorCode } from './errors.js';
export type {
  EventFields,
  EventLog,
  FeedListener,
  LogEntry,
  LogHealth,
  LogLimits,
  LogMark,
  LogState,
  ReadPage,
} from './event-log.js';
export { FeedListeners } from './feed-listeners.js';
export {
  DEFAULT_CORS_MAX_AGE_SECONDS,
  DEFAULT_HISTORY_MAX_AGE_MS,
  DEFAULT_HISTORY_SIZE,
  DEFAULT_KEEP_ALIVE_SECONDS,
  DEFAULT_LOG_MAX_BYTES,
  DEFAULT_LOG_MAX_COUNT,
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_POLL_LINGER_MS,
  DEFAULT_POLL_TIMEOUT_MS,
  MAX_EVENT_ID_LENGTH,
  RECENT_ENTRIES_MAX_BYTES,
  RECENT_ENTRIES_MAX_COUNT,
  REPLAY_BATCH_BYTES,
  REPLAY_PAGE_SIZE,
} from './limits.js';
export { checkEventFields, checkEventLog, checkRead, toLogEntry } from './log-arguments.js';
export { type ResolvedLogLimits, resolveLogLimits } from './log-limits.js';
export {
  EARLIEST,
  LogSubscriber,
  type LogSubscriberOptions,
  REPLAY_EVENT,
  type ReplayStart,
  resolveReplayStart,
  type SubscriberEnd,
  type SubscriberState,
} from './log-subscriber.js';
export { MemoryLog } from './memory-log.js';
export { type MercureLinkAttributes, mercureLink } from './mercure-link.js';
export { RecentEntries } from './recent-entries.js';
export {
  decodeUtf8Header,
  encodeUtf8Header,
  LAST_EVENT_ID_QUERY_PARAM,
  POLL_HEADER,
  POLL_QUERY_PARAM,
} from './request-info.js';
export {
  type DefaultSessionState,
  type PushOptions,
  Session,
  type Transport,
  type TransportEvents,
} from './session.js';
export {
  type PollingOptions,
  type ResolvedSessionOptions,
  resolveSessionOptions,
  type SessionOptions,
  type SlowClientPolicy,
} from './session-options.js';
