/**
 * The token options of `createHub` (keys, JWK Sets, audience, clock tolerance), checked and turned into
 * one `TokenVerifier` per role.
 */
import type { JSONWebKeySet } from 'jose';
import { DEFAULT_JWT_ALG, DEFAULT_TOKEN_CLOCK_TOLERANCE_MS, MIN_HMAC_KEY_BYTES } from '../limits.js';
import { createVerifyKey, isHmacAlgorithm, isJwtAlgorithm, JWT_ALGORITHMS, type JwtAlgorithm } from './jwt.js';
import {
  createTokenVerifier,
  type KeySource,
  keySource,
  localJwksSources,
  type RemoteJwksSource,
  remoteJwksSource,
  type TokenVerifier,
} from './token-verifier.js';

/** A verification key: the secret (HS*) or PEM public key (the others), with its algorithm. */
export interface KeyOption {
  key: string | Uint8Array;
  /** Default `HS256`. */
  alg?: JwtAlgorithm;
  /** The `kid` this key has: a token naming another `kid` is not tried with it (rotation); default none. */
  kid?: string;
  /** The `iss` every token verified by this key must carry; default: not checked. */
  issuer?: string;
  /** Accept an HS* key shorter than its hash (32 bytes for HS256): only for tests and trials; default false. */
  allowWeakKey?: boolean;
}

/** A JWK Set (RFC 7517): its JSON, or the http(s) URL it is fetched from (cached, fetched again on a new `kid`). */
export interface JwksOption {
  jwks: JSONWebKeySet | string | URL;
  /** The `iss` every token verified by a key of this set must carry; default: not checked. */
  issuer?: string;
}

/** The token part of `HubOptions`. */
export interface TokenOptions {
  /**
   * Key(s) for publisher tokens; several for rotation (give each a `kid`). With neither this nor
   * `publisherJwks`, nobody may publish over HTTP (`hub.publish()` still works).
   */
  publisherKey?: KeyOption | readonly KeyOption[] | null;
  /**
   * Key(s) for subscriber tokens. When neither this nor `subscriberJwks` is given, subscriber tokens are
   * verified like publisher tokens; null (and no `subscriberJwks`): subscriber tokens are refused.
   */
  subscriberKey?: KeyOption | readonly KeyOption[] | null;
  /** A JWK Set whose keys verify publisher tokens too; default none. */
  publisherJwks?: JwksOption | null;
  /** A JWK Set whose keys verify subscriber tokens too; default none. */
  subscriberJwks?: JwksOption | null;
  /** The hub's resource identifier: tokens must name it (or one of these) in `aud`; default null (not checked). */
  tokenAudience?: string | readonly string[] | null;
  /** Milliseconds of clock difference tolerated on a token's `exp` and `nbf`; default 0. */
  tokenClockTolerance?: number;
}

export interface ResolvedTokens {
  readonly publisherTokens: TokenVerifier | null;
  readonly subscriberTokens: TokenVerifier | null;
  /** JWK Sets fetched from URLs, to load at start. */
  readonly remoteKeySets: readonly RemoteJwksSource[];
  readonly tokenClockToleranceMs: number;
}

function optionalString(name: string, value: unknown): string | null {
  if (value === undefined) return null;
  if (typeof value !== 'string' || value === '') throw new TypeError(`${name} must be a non-empty string`);
  return value;
}

function keySourceOf(name: string, option: KeyOption): KeySource {
  if (typeof option !== 'object' || option === null) throw new TypeError(`${name} must be { key, alg? } or null`);
  const alg = option.alg ?? DEFAULT_JWT_ALG;
  if (!isJwtAlgorithm(alg)) throw new TypeError(`${name}.alg must be one of ${JWT_ALGORITHMS.join(', ')}`);
  if (isHmacAlgorithm(alg) && option.allowWeakKey !== true) {
    // [spec] RFC 7518 3.2: an HMAC key MUST be at least as long as the hash output. Shorter ones are found
    // by brute force from a single token (3 bytes took under 0.1 s), and then anyone can publish.
    const bytes = typeof option.key === 'string' ? Buffer.byteLength(option.key) : option.key.byteLength;
    const needed = MIN_HMAC_KEY_BYTES[alg];
    if (bytes > 0 && bytes < needed) {
      throw new TypeError(
        `${name}: an ${alg} key needs at least ${needed} bytes (${needed * 8} bits), got ${bytes}: make one with \`openssl rand -base64 ${needed}\` (or allow a weak key on purpose: allowWeakKey, --allow-weak-key)`,
      );
    }
  }
  try {
    const kid = optionalString('kid', option.kid);
    const issuer = optionalString('issuer', option.issuer);
    return keySource(createVerifyKey(alg, option.key), kid, issuer);
  } catch (error) {
    throw new TypeError(`${name}: ${(error as Error).message}`);
  }
}

function keySources(name: string, option: KeyOption | readonly KeyOption[] | null | undefined): KeySource[] {
  if (option === undefined || option === null) return [];
  if (!Array.isArray(option)) return [keySourceOf(name, option as KeyOption)];
  const kids = option.flatMap((each) => (typeof each?.kid === 'string' ? [each.kid] : []));
  if (new Set(kids).size !== kids.length) throw new TypeError(`${name}: two keys have the same kid`);
  return option.map((each, i) => keySourceOf(`${name}[${i}]`, each));
}

function jwksSource(name: string, option: JwksOption | null | undefined, remotes: RemoteJwksSource[]): KeySource[] {
  if (option === undefined || option === null) return [];
  if (typeof option !== 'object' || !('jwks' in option)) {
    throw new TypeError(`${name} must be { jwks: <JWK Set JSON or URL>, issuer? } or null`);
  }
  try {
    const issuer = optionalString('issuer', option.issuer);
    if (typeof option.jwks === 'string' || option.jwks instanceof URL) {
      const remote = remoteJwksSource(option.jwks, issuer);
      remotes.push(remote);
      return [remote.source];
    }
    return localJwksSources(option.jwks, issuer);
  } catch (error) {
    throw new TypeError(`${name}: ${(error as Error).message}`);
  }
}

function audienceOf(value: unknown): string | readonly string[] | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' && value !== '') return value;
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v !== '')) return value;
  throw new TypeError('tokenAudience must be a non-empty string, an array of them, or null');
}

/** Checks the token options, with a TypeError that says how to fix them. */
export function resolveTokenOptions(options: TokenOptions): ResolvedTokens {
  const remoteKeySets: RemoteJwksSource[] = [];
  const publisher = [
    ...keySources('publisherKey', options.publisherKey),
    ...jwksSource('publisherJwks', options.publisherJwks, remoteKeySets),
  ];
  const subscriberDefault = options.subscriberKey === undefined && options.subscriberJwks === undefined;
  const subscriber = subscriberDefault
    ? publisher
    : [
        ...keySources('subscriberKey', options.subscriberKey),
        ...jwksSource('subscriberJwks', options.subscriberJwks, remoteKeySets),
      ];
  const tolerance = options.tokenClockTolerance ?? DEFAULT_TOKEN_CLOCK_TOLERANCE_MS;
  if (typeof tolerance !== 'number' || !Number.isSafeInteger(tolerance) || tolerance < 0) {
    throw new TypeError(`tokenClockTolerance must be whole milliseconds >= 0, got ${String(tolerance)}`);
  }
  const checks = { audience: audienceOf(options.tokenAudience), clockToleranceMs: tolerance };
  return {
    publisherTokens: publisher.length === 0 ? null : createTokenVerifier(publisher, checks),
    subscriberTokens: subscriber.length === 0 ? null : createTokenVerifier(subscriber, checks),
    remoteKeySets,
    tokenClockToleranceMs: tolerance,
  };
}
