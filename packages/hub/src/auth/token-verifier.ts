/**
 * Verifies the tokens of one role (publishers or subscribers) with `jose`, against the keys configured
 * for it: keys given one by one (several for rotation, told apart by `kid`) and JWK Sets, from a file or
 * fetched from a URL and cached (the keys of Keycloak, Auth0 and the like).
 *
 * [spec] draft-08 "Token Validation", RFC 8725 3.1: the allowed algorithms come from configuration, each
 * bound to its key's type; `none` never verifies; a key is only ever taken from configuration, never from
 * the token (`jwk`, `jku`, `x5u` are not read): a token's `kid` and `alg` only choose among trusted keys.
 * Keys configured with an issuer verify only tokens whose `iss` is that issuer, so one issuer's key
 * cannot vouch for another issuer's tokens.
 */

import type { KeyObject } from 'node:crypto';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  type JSONWebKeySet,
  type JWK,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
  jwtVerify,
} from 'jose';
import { TokenError } from '../errors.js';
import {
  JWKS_CACHE_MAX_AGE_MS,
  JWKS_COOLDOWN_MS,
  JWKS_FETCH_TIMEOUT_MS,
  MAX_TOKEN_LENGTH,
  MIN_HMAC_KEY_BYTES,
  MIN_RSA_KEY_BITS,
} from '../limits.js';
import {
  createVerifyKey,
  isHmacAlgorithm,
  isJwtAlgorithm,
  JWT_ALGORITHMS,
  type JwtAlgorithm,
  type JwtClaims,
  type JwtKey,
} from './jwt.js';

/** Algorithms a JWK Set's keys verify: the asymmetric ones (jose's sets hold no secrets; see localJwksSources). */
const JWKS_ALGORITHMS: readonly JwtAlgorithm[] = JWT_ALGORITHMS.filter((alg) => !isHmacAlgorithm(alg));

/** One trusted key, or one JWK Set, with the issuer its tokens must name (null: any). */
export type KeySource =
  | { readonly kind: 'key'; readonly key: JwtKey; readonly kid: string | null; readonly issuer: string | null }
  | { readonly kind: 'jwks'; readonly getKey: JWTVerifyGetKey; readonly issuer: string | null };

export interface TokenChecks {
  /** The hub's resource identifier(s): a token's `aud` must name one. Null: `aud` is not checked. */
  readonly audience: string | readonly string[] | null;
  /** Milliseconds of clock difference tolerated on `exp` and `nbf`. */
  readonly clockToleranceMs: number;
}

export interface VerifyOptions {
  /** The current time in seconds since the epoch. Default: the system clock. */
  now?: number;
}

export interface TokenVerifier {
  /** The verified claims, or a `TokenError` that says why not (never the token or its claims). */
  verify(token: string, options?: VerifyOptions): Promise<JwtClaims>;
}

/** A source for a configured key. */
export function keySource(key: JwtKey, kid: string | null = null, issuer: string | null = null): KeySource {
  return { kind: 'key', key, kid, issuer };
}

/**
 * The sources for a JWK Set given as its JSON (a file's content), checked now so a bad set stops the start:
 * its shape, RSA keys of at least 2048 bits, secrets at least as long as their hash. A file is
 * configuration, like a key flag, so it may hold shared secrets (`kty: "oct"`, HS256 unless the key's
 * `alg` says otherwise): each becomes a key of its own, with its `kid`, which is how HMAC keys rotate.
 * The other keys are imported when a token first needs them.
 */
export function localJwksSources(jwks: unknown, issuer: string | null = null): KeySource[] {
  if (typeof jwks !== 'object' || jwks === null || !Array.isArray((jwks as JSONWebKeySet).keys)) {
    throw new TypeError('a JWK Set must be a JSON object with a "keys" array (RFC 7517 section 5)');
  }
  const secrets: KeySource[] = [];
  const others: JWK[] = [];
  for (const jwk of (jwks as JSONWebKeySet).keys) {
    if (jwk.kty === 'oct') {
      secrets.push(secretSource(jwk, issuer));
      continue;
    }
    if (jwk.kty === 'RSA' && typeof jwk.n === 'string') {
      const bits = Buffer.from(jwk.n, 'base64url').length * 8;
      if (bits < MIN_RSA_KEY_BITS) {
        throw new TypeError(`an RSA key of the JWK Set has ${bits} bits; at least ${MIN_RSA_KEY_BITS} are needed`);
      }
    }
    others.push(jwk);
  }
  if (others.length === 0) return secrets;
  try {
    return [...secrets, { kind: 'jwks', getKey: createLocalJWKSet({ keys: others }), issuer }];
  } catch (error) {
    throw new TypeError(`the JWK Set cannot be used: ${(error as Error).message}`);
  }
}

function secretSource(jwk: JWK, issuer: string | null): KeySource {
  const alg = jwk.alg ?? 'HS256';
  if (!isJwtAlgorithm(alg) || !isHmacAlgorithm(alg)) {
    throw new TypeError(`a shared secret of the JWK Set has alg ${String(alg)}; it must be HS256, HS384 or HS512`);
  }
  const bytes = typeof jwk.k === 'string' ? Buffer.from(jwk.k, 'base64url') : Buffer.alloc(0);
  // [spec] RFC 7518 3.2: as for a configured secret, at least the hash's size.
  if (bytes.length < MIN_HMAC_KEY_BYTES[alg]) {
    throw new TypeError(
      `a shared secret of the JWK Set has ${bytes.length} bytes; ${alg} needs at least ${MIN_HMAC_KEY_BYTES[alg]}`,
    );
  }
  return keySource(createVerifyKey(alg, bytes), typeof jwk.kid === 'string' ? jwk.kid : null, issuer);
}

/** A JWK Set fetched from `url`, cached, fetched again when a token names a `kid` it lacks (with a cooldown). */
export interface RemoteJwksSource {
  readonly source: KeySource;
  /** Fetches the set now (at start, so a wrong URL shows in the log at once rather than at the first token). */
  load(): Promise<void>;
}

export function remoteJwksSource(url: string | URL, issuer: string | null = null): RemoteJwksSource {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`a JWK Set URL must be an absolute http(s) URL, got ${String(url)}`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new TypeError(`a JWK Set URL must be http: or https:, got ${parsed.protocol}`);
  }
  const remote = createRemoteJWKSet(parsed, {
    timeoutDuration: JWKS_FETCH_TIMEOUT_MS,
    cacheMaxAge: JWKS_CACHE_MAX_AGE_MS,
    cooldownDuration: JWKS_COOLDOWN_MS,
  });
  const getKey: JWTVerifyGetKey = async (header, token) => {
    try {
      return await remote(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error;
      // Unreachable, slow, not 200, not JSON: the key server's fault, so not a 401 for the token.
      throw new TokenError('KEYS_UNAVAILABLE', 'the JWK Set cannot be fetched now', { cause: error });
    }
  };
  return {
    source: { kind: 'jwks', getKey, issuer },
    load: async () => {
      try {
        await remote.reload();
      } catch (error) {
        throw new TokenError('KEYS_UNAVAILABLE', `the JWK Set at ${parsed.origin} cannot be fetched`, { cause: error });
      }
    },
  };
}

/** The error to report for what `jose` threw, or null for an error that is not about the token (a bug). */
function fromJose(error: unknown): TokenError | null {
  if (error instanceof TokenError) return error;
  if (error instanceof errors.JWTExpired) return new TokenError('EXPIRED', 'the token has expired (exp)');
  if (error instanceof errors.JWTClaimValidationFailed) {
    const { claim, reason } = error;
    if (claim === 'nbf' && reason === 'check_failed')
      return new TokenError('NOT_YET_VALID', 'the token is not valid yet (nbf)');
    if (claim === 'aud') return new TokenError('WRONG_AUDIENCE', 'the token is not for this hub (aud)');
    if (claim === 'iss') return new TokenError('WRONG_ISSUER', 'the token is not from the issuer of its key (iss)');
    return new TokenError('MALFORMED', `the token's ${claim} claim is not valid`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new TokenError('BAD_SIGNATURE', 'the token signature does not verify with the hub key');
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new TokenError('ALG_NOT_ALLOWED', 'the token algorithm (alg) is not one this hub accepts');
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return new TokenError('UNKNOWN_KEY', 'no key of this hub fits the token (kid, alg or iss)');
  }
  if (error instanceof errors.JOSEError) return new TokenError('MALFORMED', 'the token is not a well-formed JWS');
  // jose refuses a key that does not fit (an RSA key under 2048 bits in a fetched JWK Set) with a TypeError.
  if (error instanceof TypeError)
    return new TokenError('UNKNOWN_KEY', 'the hub key that fits the token cannot be used');
  return null;
}

type VerifyKey = KeyObject | CryptoKey | JWTVerifyGetKey;

async function verifyWith(token: string, key: VerifyKey, options: JWTVerifyOptions): Promise<JwtClaims> {
  // Two calls, because jose's overloads tell a key from a key-choosing function.
  const { payload } =
    typeof key === 'function' ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options);
  return payload;
}

function issuerFits(source: KeySource, iss: unknown): boolean {
  return source.issuer === null || iss === source.issuer;
}

function fits(source: KeySource, alg: JwtAlgorithm, kid: unknown, iss: unknown): boolean {
  if (!issuerFits(source, iss)) return false;
  if (source.kind === 'jwks') return JWKS_ALGORITHMS.includes(alg);
  return source.key.alg === alg && (source.kid === null || kid === undefined || kid === source.kid);
}

/** Why no source fits: the most specific reason. */
function noFit(sources: readonly KeySource[], alg: JwtAlgorithm, iss: unknown): TokenError {
  const algorithmKnown = sources.some((s) => (s.kind === 'jwks' ? JWKS_ALGORITHMS.includes(alg) : s.key.alg === alg));
  if (!algorithmKnown)
    return new TokenError('ALG_NOT_ALLOWED', 'the token algorithm (alg) is not one this hub accepts');
  if (!sources.some((s) => issuerFits(s, iss))) {
    return new TokenError('WRONG_ISSUER', 'the token is not from an issuer this hub trusts (iss)');
  }
  return new TokenError('UNKNOWN_KEY', 'no key of this hub fits the token (kid, alg or iss)');
}

export function createTokenVerifier(sources: readonly KeySource[], checks: TokenChecks): TokenVerifier {
  const shared: JWTVerifyOptions = { clockTolerance: checks.clockToleranceMs / 1000 };
  if (checks.audience !== null) shared.audience = checks.audience as string | string[];

  return {
    async verify(token, options = {}) {
      if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
        throw new TokenError('MALFORMED', `the token is empty or longer than ${MAX_TOKEN_LENGTH} characters`);
      }
      let alg: unknown;
      let kid: unknown;
      let iss: unknown;
      try {
        ({ alg, kid } = decodeProtectedHeader(token));
        ({ iss } = decodeJwt(token));
      } catch {
        throw new TokenError('MALFORMED', 'the token is not a JWT (three base64url parts of JSON objects)');
      }
      // [spec] RFC 8725 3.1: `none`, and any algorithm no configured key has, never verify.
      if (!isJwtAlgorithm(alg))
        throw new TokenError('ALG_NOT_ALLOWED', 'the token algorithm (alg) is not one this hub accepts');
      const candidates = sources.filter((source) => fits(source, alg, kid, iss));
      if (candidates.length === 0) throw noFit(sources, alg, iss);
      const verifyOptions: JWTVerifyOptions = { ...shared, algorithms: [alg] };
      if (options.now !== undefined) verifyOptions.currentDate = new Date(options.now * 1000);
      let refusal: TokenError | undefined;
      for (const source of candidates) {
        const checked = source.issuer === null ? verifyOptions : { ...verifyOptions, issuer: source.issuer };
        const keys: VerifyKey[] = [source.kind === 'key' ? source.key.key : source.getKey];
        for (const key of keys) {
          try {
            return await verifyWith(token, key, checked);
          } catch (error) {
            // [spec] RFC 7517 4.5: a set may hold several keys without a `kid` that fit: try each of them.
            if (error instanceof errors.JWKSMultipleMatchingKeys) {
              for await (const each of error) keys.push(each);
              continue;
            }
            const mapped = fromJose(error);
            if (mapped === null) throw error;
            // A signature that did not verify may verify with the next key (rotation); anything else is
            // final: the signature held and a claim failed, or the key set is unreachable.
            if (mapped.code !== 'BAD_SIGNATURE' && mapped.code !== 'UNKNOWN_KEY') throw mapped;
            refusal = mapped;
          }
        }
      }
      throw refusal ?? new TokenError('UNKNOWN_KEY', 'no key of this hub fits the token (kid, alg or iss)');
    },
  };
}

/** Verifies `token` with one key: a shortcut for `createTokenVerifier([keySource(key)], checks).verify(token)`. */
export function verifyJwt(
  token: string,
  key: JwtKey,
  options: VerifyOptions & Partial<TokenChecks> = {},
): Promise<JwtClaims> {
  const { audience = null, clockToleranceMs = 0, ...verify } = options;
  return createTokenVerifier([keySource(key)], { audience, clockToleranceMs }).verify(token, verify);
}
