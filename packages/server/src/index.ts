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
  RESET_EVENT,
} from './channel.js';
export { type CorsOptions, corsHeaders, corsPreflight, type ResolvedCors, resolveCors } from './cors.js';
export { ServerError, type ServerErrorCode } from './errors.js';
export {
  DEFAULT_CORS_MAX_AGE_SECONDS,
  DEFAULT_HISTORY_MAX_AGE_MS,
  DEFAULT_HISTORY_SIZE,
  DEFAULT_KEEP_ALIVE_SECONDS,
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_POLL_LINGER_MS,
  DEFAULT_POLL_TIMEOUT_MS,
  MAX_LAST_EVENT_ID_LENGTH,
  REPLAY_BATCH_BYTES,
} from './limits.js';
export { LAST_EVENT_ID_QUERY_PARAM, POLL_HEADER, POLL_QUERY_PARAM } from './request-info.js';
export { type PushOptions, Session, type Transport, type TransportEvents } from './session.js';
export {
  type PollingOptions,
  type ResolvedSessionOptions,
  resolveSessionOptions,
  type SessionOptions,
  type SlowClientPolicy,
} from './session-options.js';
