// The public API of @tidings/hub (test/exports.test.ts lists its values: add one there on purpose): the
// hub itself, its dashboard, its errors, the token helpers a publisher needs to mint (and check) Mercure
// tokens, and the types of their options. Everything else is internal; tests import it by path.

export {
  createSigningKey,
  createVerifyKey,
  type JwtAlgorithm,
  type JwtClaims,
  type JwtKey,
  type SignOptions,
  signJwt,
} from './auth/jwt.js';
export type { JwksOption, KeyOption, TokenOptions } from './auth/token-options.js';
export { type TokenChecks, type VerifyOptions, verifyJwt } from './auth/token-verifier.js';
export {
  createHub,
  type ExtraHandler,
  type Hub,
  type HubStats,
  type PublishInput,
} from './create-hub.js';
export { type Dashboard, type DashboardOptions, mountDashboard } from './dashboard/mount-dashboard.js';
export {
  HubError,
  type HubErrorCode,
  PublishError,
  type PublishErrorCode,
  SelectorError,
  type SelectorErrorCode,
  TokenError,
  type TokenErrorCode,
} from './errors.js';
export type { FetchInfo } from './http/http-fetch.js';
export type { HubOptions, ResolvedHubOptions } from './hub-options.js';
export type { Update } from './log/update.js';
export type { LogLevel, LogSink } from './logger.js';
export type { SubscriptionDocument } from './subscriptions/subscription-document.js';
export type { SubscriptionOptions } from './subscriptions/subscription-options.js';
