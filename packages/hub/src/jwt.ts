/**
 * JSON Web Tokens (RFC 7519) in compact JWS form (RFC 7515), verified and signed with node:crypto only.
 * Supported: HS256, HS384, HS512 (shared secret), RS256 (RSA PKCS#1 v1.5) and ES256 (P-256, signature
 * as raw r||s per RFC 7518 section 3.4). One key is configured with one algorithm, and a token must use
 * exactly that algorithm: the token never chooses how it is verified (no `alg: none`, no algorithm
 * confusion between an RSA public key and an HMAC secret, no keys carried in the token).
 */
import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  KeyObject,
  sign,
  timingSafeEqual,
  verify,
} from 'node:crypto';
import { TokenError } from './errors.js';
import { JWT_CLOCK_SKEW_SECONDS, MAX_TOKEN_LENGTH } from './limits.js';

export const JWT_ALGORITHMS = ['HS256', 'HS384', 'HS512', 'RS256', 'ES256'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** A key bound to the one algorithm it may be used with. */
export interface JwtKey {
  readonly alg: JwtAlgorithm;
  readonly key: KeyObject;
}

/** The claims of a verified token: a JSON object. */
export type JwtClaims = Record<string, unknown>;

const HASH: Record<JwtAlgorithm, string> = {
  HS256: 'sha256',
  HS384: 'sha384',
  HS512: 'sha512',
  RS256: 'sha256',
  ES256: 'sha256',
};
const BASE64URL = /^[A-Za-z0-9_-]*$/;
/** ES256 signatures are r||s, 32 bytes each (RFC 7518 section 3.4). */
const ES256_SIGNATURE_BYTES = 64;

export function isJwtAlgorithm(value: unknown): value is JwtAlgorithm {
  return typeof value === 'string' && (JWT_ALGORITHMS as readonly string[]).includes(value);
}

function checkAlg(alg: unknown): JwtAlgorithm {
  if (!isJwtAlgorithm(alg)) {
    throw new TypeError(`JWT algorithm must be one of ${JWT_ALGORITHMS.join(', ')}, got ${String(alg)}`);
  }
  return alg;
}

function checkAsymmetric(alg: JwtAlgorithm, key: KeyObject): void {
  if (alg === 'RS256' && key.asymmetricKeyType !== 'rsa') {
    throw new TypeError('RS256 needs an RSA key (PEM "BEGIN PUBLIC KEY" or "BEGIN RSA PUBLIC KEY")');
  }
  if (alg === 'ES256' && (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1')) {
    throw new TypeError('ES256 needs an EC key on the P-256 curve (PEM "BEGIN PUBLIC KEY")');
  }
}

function secretKey(alg: JwtAlgorithm, material: string | Uint8Array | KeyObject): KeyObject {
  if (material instanceof KeyObject) {
    if (material.type !== 'secret') throw new TypeError(`${alg} needs a shared secret, got a ${material.type} key`);
    return material;
  }
  const bytes = typeof material === 'string' ? Buffer.from(material, 'utf8') : Buffer.from(material);
  if (bytes.length === 0) throw new TypeError(`${alg} needs a non-empty secret`);
  return createSecretKey(bytes);
}

/**
 * A key to verify tokens: the shared secret for HS*, a PEM public key (or a private key, whose public
 * half is used) for RS256 and ES256. Throws a TypeError saying what is wrong with the key.
 */
export function createVerifyKey(alg: JwtAlgorithm, material: string | Uint8Array | KeyObject): JwtKey {
  checkAlg(alg);
  if (alg.startsWith('HS')) return { alg, key: secretKey(alg, material) };
  let key: KeyObject;
  try {
    if (material instanceof KeyObject) key = material.type === 'private' ? createPublicKey(material) : material;
    else key = createPublicKey(typeof material === 'string' ? material : Buffer.from(material));
  } catch {
    throw new TypeError(`${alg} needs a PEM public key; the key given cannot be read as one`);
  }
  if (key.type !== 'public') throw new TypeError(`${alg} needs a public key to verify tokens`);
  checkAsymmetric(alg, key);
  return { alg, key };
}

/** A key to sign tokens: the shared secret for HS*, a PEM private key for RS256 and ES256. */
export function createSigningKey(alg: JwtAlgorithm, material: string | Uint8Array | KeyObject): JwtKey {
  checkAlg(alg);
  if (alg.startsWith('HS')) return { alg, key: secretKey(alg, material) };
  let key: KeyObject;
  try {
    key =
      material instanceof KeyObject
        ? material
        : createPrivateKey(typeof material === 'string' ? material : Buffer.from(material));
  } catch {
    throw new TypeError(`${alg} needs a PEM private key to sign; the key given cannot be read as one`);
  }
  if (key.type !== 'private') throw new TypeError(`${alg} needs a private key to sign tokens`);
  checkAsymmetric(alg, key);
  return { alg, key };
}

function signature(key: JwtKey, signingInput: string): Buffer {
  const hash = HASH[key.alg];
  if (key.alg.startsWith('HS')) return createHmac(hash, key.key).update(signingInput).digest();
  if (key.alg === 'ES256') return sign(hash, Buffer.from(signingInput), { key: key.key, dsaEncoding: 'ieee-p1363' });
  return sign(hash, Buffer.from(signingInput), key.key);
}

function verifySignature(key: JwtKey, signingInput: string, sig: Buffer): boolean {
  const hash = HASH[key.alg];
  if (key.alg.startsWith('HS')) {
    const expected = createHmac(hash, key.key).update(signingInput).digest();
    // Constant time, so the comparison does not reveal how much of a forged signature was right.
    return expected.length === sig.length && timingSafeEqual(expected, sig);
  }
  if (key.alg === 'ES256') {
    if (sig.length !== ES256_SIGNATURE_BYTES) return false;
    return verify(hash, Buffer.from(signingInput), { key: key.key, dsaEncoding: 'ieee-p1363' }, sig);
  }
  return verify(hash, Buffer.from(signingInput), key.key, sig);
}

function decodeJson(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new TypeError(what);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError(what);
  return value as Record<string, unknown>;
}

export interface VerifyOptions {
  /** The current time in seconds since the epoch. Default: the system clock. */
  now?: number;
}

/**
 * Verifies a compact JWS and returns its claims. Throws a `TokenError`: `MALFORMED`, `ALG_NOT_ALLOWED`
 * (including `none`), `BAD_SIGNATURE`, `EXPIRED` (`exp` not after now) or `NOT_YET_VALID` (`nbf` after now).
 */
export function verifyJwt(token: string, key: JwtKey, options: VerifyOptions = {}): JwtClaims {
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
    throw new TokenError('MALFORMED', 'token is empty or too long');
  }
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) {
    throw new TokenError('MALFORMED', 'token is not a compact JWS (three base64url parts)');
  }
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  let header: Record<string, unknown>;
  let claims: JwtClaims;
  try {
    header = decodeJson(headerPart, 'bad header');
    claims = decodeJson(payloadPart, 'bad claims');
  } catch {
    throw new TokenError('MALFORMED', 'token header or claims are not a JSON object');
  }
  // [spec] RFC 8725 3.1: the algorithm comes from configuration, never from the token; `none` never verifies.
  if (header.alg !== key.alg) throw new TokenError('ALG_NOT_ALLOWED', 'token algorithm is not the configured one');
  // [spec] RFC 7515 4.1.11: extensions listed in `crit` must be understood; this hub understands none.
  if (header.crit !== undefined) throw new TokenError('MALFORMED', 'token uses critical header extensions');
  if (!verifySignature(key, `${headerPart}.${payloadPart}`, Buffer.from(signaturePart, 'base64url'))) {
    throw new TokenError('BAD_SIGNATURE', 'token signature does not verify');
  }
  const now = options.now ?? Date.now() / 1000;
  const { exp, nbf } = claims;
  if (exp !== undefined && typeof exp !== 'number') throw new TokenError('MALFORMED', 'token exp is not a number');
  if (nbf !== undefined && typeof nbf !== 'number') throw new TokenError('MALFORMED', 'token nbf is not a number');
  // [spec] RFC 7519 4.1.4: the token must not be accepted on or after its expiration time.
  if (exp !== undefined && now >= exp + JWT_CLOCK_SKEW_SECONDS) throw new TokenError('EXPIRED', 'token has expired');
  // [spec] RFC 7519 4.1.5: the token must not be accepted before its not-before time.
  if (nbf !== undefined && now < nbf - JWT_CLOCK_SKEW_SECONDS) {
    throw new TokenError('NOT_YET_VALID', 'token is not valid yet');
  }
  return claims;
}

/** Signs `claims` as a compact JWS with `key` (header `{"alg": key.alg, "typ": "JWT"}`). */
export function signJwt(claims: JwtClaims, key: JwtKey): string {
  const header = Buffer.from(JSON.stringify({ alg: key.alg, typ: 'JWT' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const input = `${header}.${payload}`;
  return `${input}.${signature(key, input).toString('base64url')}`;
}
