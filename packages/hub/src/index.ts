export {
  canPublish,
  canReceivePrivate,
  type Grants,
  grantsFromClaims,
  MERCURE_DETAIL_TYPE,
  NO_GRANTS,
} from './authorization.js';
export {
  createHub,
  type ExtraHandler,
  HUB_PATH,
  type Hub,
  type HubStats,
  type PublishInput,
} from './create-hub.js';
export { DemoInputError, type DemoInputErrorCode } from './dashboard/demos/chat-message.js';
export { type Dashboard, type DashboardOptions, mountDashboard } from './dashboard/mount-dashboard.js';
export {
  PublishError,
  type PublishErrorCode,
  SelectorError,
  type SelectorErrorCode,
  TokenError,
  type TokenErrorCode,
} from './errors.js';
export { checkPublisherId, EARLIEST, generateEventId } from './event-id.js';
export type { HubOptions, ResolvedHubOptions } from './hub-options.js';
export {
  createSigningKey,
  createVerifyKey,
  isJwtAlgorithm,
  JWT_ALGORITHMS,
  type JwtAlgorithm,
  type JwtClaims,
  type JwtKey,
  type SignOptions,
  signJwt,
} from './jwt.js';
export * as limits from './limits.js';
export { LOG_LEVELS, type LogLevel, type LogSink } from './logger.js';
export type { SubscriptionDocument } from './subscriptions/subscription-document.js';
export type { SubscriptionOptions } from './subscriptions/subscription-options.js';
export type { JwksOption, KeyOption, TokenOptions } from './token-options.js';
export {
  createTokenVerifier,
  type KeySource,
  keySource,
  localJwksSources,
  type RemoteJwksSource,
  remoteJwksSource,
  type TokenChecks,
  type TokenVerifier,
  type VerifyOptions,
  verifyJwt,
} from './token-verifier.js';
export { anyTopicMatches, compileSelector, type SelectorKind, type TopicSelector, WILDCARD } from './topic-selector.js';
export type { Update } from './update.js';
export { compileUriTemplate } from './uri-template.js';
