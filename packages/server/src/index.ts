// The public API of @tidings/server (test/exports.test.ts lists its values: add one there on purpose).
// What a user calls, catches or implements is here; so is what @tidings/hub, @tidings/sqlite and
// @tidings/redis need, since they may only import through the package name: those exports are marked
// below with who needs them. Tests reach everything else by path ('../src/x.ts').
export {
  type BroadcastOptions,
  Channel,
  type ChannelEvent,
  type ChannelEventName,
  type ChannelListener,
  type ChannelOptions,
  createChannel,
  type SelectFunction,
} from './channel.js';
// The CORS grants sessions give, for a server's other endpoints (the hub's publish route uses it too).
export { type CorsOptions, type CorsPolicy, createCorsPolicy } from './cors.js';
// For event logs of other packages (@tidings/sqlite, @tidings/redis, your own; see the README's "Your own
// log"): the size a log counts for an entry, and its encoding (the shared event-log test suite uses it).
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
// For event logs of other packages: the listener set behind `follow` (@tidings/sqlite, @tidings/redis).
export { FeedListeners } from './feed-listeners.js';
export { type HistoryOptions, historyLimits } from './history-options.js';
export {
  DEFAULT_CORS_MAX_AGE_MS,
  DEFAULT_HISTORY_MAX_AGE_MS,
  DEFAULT_HISTORY_SIZE,
  DEFAULT_KEEP_ALIVE_MS,
  DEFAULT_LOG_MAX_BYTES,
  DEFAULT_LOG_MAX_COUNT,
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_POLL_LINGER_MS,
  DEFAULT_POLL_TIMEOUT_MS,
  // One id limit for every log and every Last-Event-ID (the hub, @tidings/sqlite and mercureLink check it).
  MAX_EVENT_ID_LENGTH,
  // @tidings/sqlite keeps the same window of recent entries as the memory log (see RecentEntries).
  RECENT_ENTRIES_MAX_BYTES,
  RECENT_ENTRIES_MAX_COUNT,
} from './limits.js';
// For event logs of other packages: argument checks every log makes alike (@tidings/sqlite,
// @tidings/redis), and the hub's check of its `eventLog` option (checkEventLog).
export { checkEventFields, checkEventLog, checkRead, toLogEntry } from './log-arguments.js';
export { type ResolvedLogLimits, resolveLogLimits } from './log-limits.js';
// The replay-then-live path the Channel uses; the hub's subscribe route uses the same one (EARLIEST,
// LogSubscriber, resolveReplayStart). REPLAY_EVENT is public: pages listen for it.
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
// @tidings/sqlite: the window of recent entries a log keeps in memory for fast replays.
export { RecentEntries } from './recent-entries.js';
// The one reading of Last-Event-ID (for an application, such as the hub, that reads history before it
// opens the stream, and passes the id on as SessionOptions.lastEventId); the UTF-8 header codecs the hub
// uses for its own headers.
export { decodeUtf8Header, encodeUtf8Header, readLastEventId } from './request-info.js';
// Sessions are made by the adapters (@tidings/server/node, @tidings/server/fetch); the Transport under
// them and the handshake stay internal (see the README's "Runtimes").
export { type DefaultSessionState, type PushOptions, Session } from './session.js';
export type { PollingOptions, SessionOptions, SlowClientPolicy } from './session-options.js';
