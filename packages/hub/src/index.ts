export {
  canPublish,
  canReceivePrivate,
  type Grants,
  grantsFromClaims,
  MERCURE_DETAIL_TYPE,
  NO_GRANTS,
} from './authorization.js';
export {
  SelectorError,
  type SelectorErrorCode,
  StoreError,
  type StoreErrorCode,
  TokenError,
  type TokenErrorCode,
} from './errors.js';
export { checkPublisherId, EARLIEST, generateEventId } from './event-id.js';
export type { HistoryStore, ReadOptions, ReadResult, TrimPolicy } from './history-store.js';
export {
  createSigningKey,
  createVerifyKey,
  isJwtAlgorithm,
  JWT_ALGORITHMS,
  type JwtAlgorithm,
  type JwtClaims,
  type JwtKey,
  signJwt,
  type VerifyOptions,
  verifyJwt,
} from './jwt.js';
export { MemoryHistoryStore } from './memory-store.js';
export { anyTopicMatches, compileSelector, type SelectorKind, type TopicSelector, WILDCARD } from './topic-selector.js';
export type { Update } from './update.js';
export { compileUriTemplate } from './uri-template.js';
