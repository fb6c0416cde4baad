/**
 * JWT keys bound to one algorithm each, and signing (compact JWS, RFC 7515). Verification is
 * `token-verifier.ts`, on the `jose` library: that is the part every request feeds with input from outside.
 * Signing stays here on node:crypto because it is synchronous (scripts and tests make tokens without
 * awaiting) and only ever handles the hub operator's own claims and keys.
 *
 * A key is checked against its algorithm when it is made: the algorithm comes from configuration, never
 * from a token, and a key that does not fit it (an RSA key for ES256, a secret for RS256, an RSA key
 * under 2048 bits) is refused with a TypeError that says so.
 */
import {
  constants,
  createHmac,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  KeyObject,
  sign,
} from 'node:crypto';
import { MIN_RSA_KEY_BITS } from '../limits.js';

/** The algorithms a key may be configured with (RFC 7518 section 3, RFC 8037 for EdDSA). No `none`. */
export const JWT_ALGORITHMS = [
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** A key bound to the one algorithm it may be used with. */
export interface JwtKey {
  readonly alg: JwtAlgorithm;
  readonly key: KeyObject;
}

/** The claims of a token: a JSON object. */
export type JwtClaims = Record<string, unknown>;

/** [spec] RFC 7518 3.4: the curve each ECDSA algorithm uses (OpenSSL's names). */
const EC_CURVES: Record<string, { openssl: string; name: string }> = {
  ES256: { openssl: 'prime256v1', name: 'P-256' },
  ES384: { openssl: 'secp384r1', name: 'P-384' },
  ES512: { openssl: 'secp521r1', name: 'P-521' },
};

export function isJwtAlgorithm(value: unknown): value is JwtAlgorithm {
  return typeof value === 'string' && (JWT_ALGORITHMS as readonly string[]).includes(value);
}

/** True for the HMAC algorithms, whose key is a shared secret. */
export function isHmacAlgorithm(alg: JwtAlgorithm): alg is 'HS256' | 'HS384' | 'HS512' {
  return alg.startsWith('HS');
}

function checkAlg(alg: unknown): JwtAlgorithm {
  if (!isJwtAlgorithm(alg)) {
    throw new TypeError(`JWT algorithm must be one of ${JWT_ALGORITHMS.join(', ')}, got ${String(alg)}`);
  }
  return alg;
}

/** Throws a TypeError when an asymmetric key cannot be used with `alg` (the algorithm-confusion guard). */
function checkAsymmetric(alg: JwtAlgorithm, key: KeyObject): void {
  const type = key.asymmetricKeyType;
  if (alg.startsWith('RS') || alg.startsWith('PS')) {
    if (type !== 'rsa' && !(alg.startsWith('PS') && type === 'rsa-pss')) {
      throw new TypeError(`${alg} needs an RSA key (PEM "BEGIN PUBLIC KEY" or "BEGIN RSA PUBLIC KEY")`);
    }
    // [spec] RFC 7518 3.3: RSA keys of 2048 bits or more MUST be used.
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_KEY_BITS) {
      throw new TypeError(`${alg} needs an RSA key of at least ${MIN_RSA_KEY_BITS} bits, got ${bits}`);
    }
    return;
  }
  const curve = EC_CURVES[alg];
  if (curve !== undefined) {
    if (type !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== curve.openssl) {
      throw new TypeError(`${alg} needs an EC key on the ${curve.name} curve (PEM "BEGIN PUBLIC KEY")`);
    }
    return;
  }
  if (type !== 'ed25519' && type !== 'ed448') throw new TypeError('EdDSA needs an Ed25519 or Ed448 key');
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
 * half is used) for the others. Throws a TypeError saying what is wrong with the key.
 */
export function createVerifyKey(alg: JwtAlgorithm, material: string | Uint8Array | KeyObject): JwtKey {
  checkAlg(alg);
  if (isHmacAlgorithm(alg)) return { alg, key: secretKey(alg, material) };
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

/** A key to sign tokens: the shared secret for HS*, a PEM private key for the others. */
export function createSigningKey(alg: JwtAlgorithm, material: string | Uint8Array | KeyObject): JwtKey {
  checkAlg(alg);
  if (isHmacAlgorithm(alg)) return { alg, key: secretKey(alg, material) };
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

/** [spec] RFC 7518 section 3 (and RFC 8037 3.1 for EdDSA): the signature of `input` under `key`. */
function signature(key: JwtKey, input: Buffer): Buffer {
  const { alg } = key;
  if (alg === 'EdDSA') return sign(null, input, key.key);
  const hash = `sha${alg.slice(2)}`;
  if (isHmacAlgorithm(alg)) return createHmac(hash, key.key).update(input).digest();
  // ECDSA signatures are the raw r||s pair (RFC 7518 3.4), not DER.
  if (alg.startsWith('ES')) return sign(hash, input, { key: key.key, dsaEncoding: 'ieee-p1363' });
  if (alg.startsWith('PS')) {
    // [spec] RFC 7518 3.5: RSASSA-PSS with MGF1 of the same hash and a salt as long as the hash.
    return sign(hash, input, {
      key: key.key,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
    });
  }
  return sign(hash, input, key.key);
}

export interface SignOptions {
  /** The `kid` header: which of several keys signed it (key rotation, JWK Sets). */
  kid?: string;
}

/** Signs `claims` as a compact JWS with `key` (header `{"alg": key.alg, "typ": "JWT"}`, plus `kid` if given). */
export function signJwt(claims: JwtClaims, key: JwtKey, options: SignOptions = {}): string {
  const header = { alg: key.alg, typ: 'JWT', ...(options.kid !== undefined && { kid: options.kid }) };
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${signature(key, Buffer.from(input)).toString('base64url')}`;
}
