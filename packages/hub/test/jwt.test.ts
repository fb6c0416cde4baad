// Token signing (node:crypto, here) and verification (jose, in token-verifier.ts), checked against each
// other and against tokens built by hand per RFC 7515, so neither side can hide the other's mistake.
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  createSigningKey,
  createVerifyKey,
  type JwtAlgorithm,
  signJwt,
  type TokenChecks,
  TokenError,
} from '@tidings/hub';
import { JWT_ALGORITHMS } from '../src/auth/jwt.ts';
import { createTokenVerifier, keySource, localJwksSources, type TokenVerifier } from '../src/auth/token-verifier.ts';

const SECRET = '!ChangeThisMercureHubJWTSecretKey!-and-more-bytes-for-HS512-keys-64';
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const NO_CHECKS: TokenChecks = { audience: null, clockToleranceMs: 0 };

/** A token built by hand, so tests can forge headers the signer would never write. */
function handmade(header: Record<string, unknown>, claims: Record<string, unknown>, secret = SECRET): string {
  const input = `${b64(header)}.${b64(claims)}`;
  const hash = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[String(header.alg)] ?? 'sha256';
  return `${input}.${createHmac(hash, secret).update(input).digest('base64url')}`;
}

function verifier(alg: JwtAlgorithm, key: string | KeyObject, checks = NO_CHECKS): TokenVerifier {
  return createTokenVerifier([keySource(createVerifyKey(alg, key))], checks);
}

async function rejects(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof TokenError, `a TokenError, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  });
}

/** A key pair for every asymmetric algorithm. */
function keyPair(alg: JwtAlgorithm): { publicKey: KeyObject; privateKey: KeyObject } {
  if (alg.startsWith('RS') || alg.startsWith('PS')) return generateKeyPairSync('rsa', { modulusLength: 2048 });
  if (alg === 'EdDSA') return generateKeyPairSync('ed25519');
  const namedCurve = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' }[alg as 'ES256'];
  return generateKeyPairSync('ec', { namedCurve });
}

describe('jwt: every algorithm', () => {
  for (const alg of JWT_ALGORITHMS) {
    test(`${alg}: signed here, verified by jose; a wrong key is BAD_SIGNATURE`, async () => {
      const hmac = alg.startsWith('HS');
      const pair = hmac ? null : keyPair(alg);
      const token = signJwt({ sub: alg }, createSigningKey(alg, pair?.privateKey ?? SECRET));
      assert.deepEqual(await verifier(alg, pair?.publicKey ?? SECRET).verify(token), { sub: alg });
      const other = hmac ? `${SECRET}x` : keyPair(alg).publicKey;
      await rejects(verifier(alg, other).verify(token), 'BAD_SIGNATURE');
    });
  }

  test('ES256 signatures are raw r||s (64 bytes); DER signatures are refused', async () => {
    const { publicKey, privateKey } = keyPair('ES256');
    const token = signJwt({ sub: 'y' }, createSigningKey('ES256', privateKey));
    assert.equal(Buffer.from(token.split('.')[2] as string, 'base64url').length, 64);
    const [h, p] = token.split('.') as [string, string];
    const der = sign('sha256', Buffer.from(`${h}.${p}`), privateKey).toString('base64url');
    await rejects(verifier('ES256', publicKey).verify(`${h}.${p}.${der}`), 'BAD_SIGNATURE');
  });
});

describe('jwt: what a token may not choose', () => {
  test('a token made elsewhere (by hand, per RFC 7515) verifies', async () => {
    const token = handmade({ alg: 'HS256', typ: 'JWT' }, { mercure: { subscribe: ['a'] } });
    assert.deepEqual(await verifier('HS256', SECRET).verify(token), { mercure: { subscribe: ['a'] } });
  });

  test('the configured algorithm is the only one accepted; none never is', async () => {
    const check = verifier('HS256', SECRET);
    await rejects(check.verify(handmade({ alg: 'HS512' }, {})), 'ALG_NOT_ALLOWED');
    await rejects(
      check.verify(`${b64({ alg: 'none', typ: 'JWT' })}.${b64({ mercure: { publish: ['*'] } })}.`),
      'ALG_NOT_ALLOWED',
    );
    await rejects(check.verify(handmade({ alg: 'none' }, {})), 'ALG_NOT_ALLOWED');
  });

  test('alg confusion: an HS256 token signed with the RSA public key is refused', async () => {
    const { publicKey } = keyPair('RS256');
    const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const check = verifier('RS256', publicPem);
    await rejects(check.verify(handmade({ alg: 'HS256' }, { sub: 'x' }, publicPem)), 'ALG_NOT_ALLOWED');
  });

  test('a key carried in the token (jwk, jku) is never used', async () => {
    const attacker = keyPair('RS256');
    const jwk = attacker.publicKey.export({ format: 'jwk' });
    const header = { alg: 'RS256', jwk, jku: 'http://127.0.0.1:9/keys' };
    const input = `${b64(header)}.${b64({ mercure: { publish: ['*'] } })}`;
    const forged = `${input}.${sign('sha256', Buffer.from(input), attacker.privateKey).toString('base64url')}`;
    await rejects(verifier('RS256', keyPair('RS256').publicKey).verify(forged), 'BAD_SIGNATURE');
  });

  test('exp in the past and nbf in the future are refused; the boundaries are exact', async () => {
    const check = verifier('HS256', SECRET);
    const token = handmade({ alg: 'HS256' }, { exp: 1000, nbf: 900 });
    assert.ok(await check.verify(token, { now: 900 }));
    assert.ok(await check.verify(token, { now: 999.5 }));
    await rejects(check.verify(token, { now: 1000 }), 'EXPIRED');
    await rejects(check.verify(token, { now: 899 }), 'NOT_YET_VALID');
    await rejects(check.verify(handmade({ alg: 'HS256' }, { exp: Date.now() / 1000 - 5 })), 'EXPIRED');
    await rejects(check.verify(handmade({ alg: 'HS256' }, { exp: 'tomorrow' })), 'MALFORMED');
  });

  test('the clock tolerance widens exp and nbf by that many milliseconds, no more', async () => {
    const check = verifier('HS256', SECRET, { audience: null, clockToleranceMs: 30_000 });
    const token = handmade({ alg: 'HS256' }, { exp: 1000, nbf: 900 });
    assert.ok(await check.verify(token, { now: 1029 }));
    await rejects(check.verify(token, { now: 1030 }), 'EXPIRED');
    assert.ok(await check.verify(token, { now: 870 }));
    await rejects(check.verify(token, { now: 869 }), 'NOT_YET_VALID');
  });

  test('malformed tokens are refused as MALFORMED, never with another error', async () => {
    const check = verifier('HS256', SECRET);
    const good = handmade({ alg: 'HS256' }, {});
    const [h, p, s] = good.split('.') as [string, string, string];
    for (const bad of ['', 'abc', 'a.b', `${h}.${p}`, `${h}.${p}.${s}.x`, `${h}!.${p}.${s}`]) {
      await rejects(check.verify(bad), 'MALFORMED');
    }
    await rejects(check.verify(`${b64([1])}.${p}.${s}`), 'MALFORMED');
    await rejects(check.verify(`${h}.${Buffer.from('not json').toString('base64url')}.${s}`), 'MALFORMED');
    await rejects(check.verify('a'.repeat(20_000)), 'MALFORMED');
    await rejects(check.verify(handmade({ alg: 'HS256', crit: ['exp'] }, {})), 'MALFORMED');
    // A valid signature over other content: the payload was tampered with.
    await rejects(check.verify(`${h}.${b64({ mercure: { publish: ['*'] } })}.${s}`), 'BAD_SIGNATURE');
  });
});

describe('jwt: audience, issuer, rotation', () => {
  test('with an audience configured, aud must name it (a string or one of an array)', async () => {
    const check = verifier('HS256', SECRET, { audience: 'https://hub.example', clockToleranceMs: 0 });
    assert.ok(await check.verify(handmade({ alg: 'HS256' }, { aud: 'https://hub.example' })));
    assert.ok(await check.verify(handmade({ alg: 'HS256' }, { aud: ['other', 'https://hub.example'] })));
    await rejects(check.verify(handmade({ alg: 'HS256' }, { aud: 'https://other.example' })), 'WRONG_AUDIENCE');
    await rejects(check.verify(handmade({ alg: 'HS256' }, {})), 'WRONG_AUDIENCE');
  });

  test("a key bound to an issuer verifies only that issuer's tokens", async () => {
    const a = createVerifyKey('HS256', SECRET);
    const check = createTokenVerifier([keySource(a, null, 'https://idp-a')], NO_CHECKS);
    assert.ok(await check.verify(handmade({ alg: 'HS256' }, { iss: 'https://idp-a' })));
    await rejects(check.verify(handmade({ alg: 'HS256' }, { iss: 'https://idp-b' })), 'WRONG_ISSUER');
    await rejects(check.verify(handmade({ alg: 'HS256' }, {})), 'WRONG_ISSUER');
  });

  test("two issuers: one issuer's key cannot vouch for the other's tokens", async () => {
    const secretB = `${SECRET}-b`;
    const check = createTokenVerifier(
      [keySource(createVerifyKey('HS256', SECRET), null, 'a'), keySource(createVerifyKey('HS256', secretB), null, 'b')],
      NO_CHECKS,
    );
    assert.ok(await check.verify(handmade({ alg: 'HS256' }, { iss: 'a' })));
    assert.ok(await check.verify(handmade({ alg: 'HS256' }, { iss: 'b' }, secretB)));
    // Signed with a's key but claiming to be b: only b's key is tried.
    await rejects(check.verify(handmade({ alg: 'HS256' }, { iss: 'b' })), 'BAD_SIGNATURE');
  });

  test('rotation: tokens of the old and the new key verify; kid picks the key, an unknown kid is refused', async () => {
    const oldKey = createVerifyKey('HS256', SECRET);
    const newSecret = `${SECRET}-new`;
    const check = createTokenVerifier(
      [keySource(oldKey, 'old'), keySource(createVerifyKey('HS256', newSecret), 'new')],
      NO_CHECKS,
    );
    assert.ok(await check.verify(handmade({ alg: 'HS256', kid: 'old' }, { n: 1 })));
    assert.ok(await check.verify(handmade({ alg: 'HS256', kid: 'new' }, { n: 2 }, newSecret)));
    // No kid: every key that fits the algorithm is tried.
    assert.ok(await check.verify(handmade({ alg: 'HS256' }, { n: 3 }, newSecret)));
    await rejects(check.verify(handmade({ alg: 'HS256', kid: 'old' }, {}, newSecret)), 'BAD_SIGNATURE');
    await rejects(check.verify(handmade({ alg: 'HS256', kid: 'gone' }, {})), 'UNKNOWN_KEY');
  });
});

describe('jwt: keys', () => {
  test('key creation explains bad keys', () => {
    assert.throws(() => createVerifyKey('HS256', ''), /non-empty secret/);
    assert.throws(() => createVerifyKey('RS256', 'not a pem'), /PEM public key/);
    assert.throws(() => createVerifyKey('XS256' as never, SECRET), /must be one of/);
    assert.throws(() => createVerifyKey('ES256', keyPair('ES384').publicKey), /P-256/);
    assert.throws(() => createVerifyKey('ES256', keyPair('RS256').publicKey), /P-256/);
    assert.throws(() => createVerifyKey('RS256', keyPair('ES256').publicKey), /RSA key/);
    assert.throws(() => createVerifyKey('EdDSA', keyPair('ES256').publicKey), /Ed25519/);
  });

  test('RSA keys under 2048 bits are refused, to verify and to sign', () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
    assert.throws(() => createVerifyKey('RS256', weak.publicKey), /at least 2048 bits, got 1024/);
    assert.throws(() => createVerifyKey('PS256', weak.publicKey), /at least 2048 bits, got 1024/);
    assert.throws(() => createSigningKey('RS256', weak.privateKey), /at least 2048 bits, got 1024/);
  });

  test('a JWK Set: keys chosen by kid and alg; shared secrets and short RSA keys refused at once', async () => {
    const rsa = keyPair('RS256');
    const ec = keyPair('ES256');
    const jwks = {
      keys: [
        { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'r1', alg: 'RS256', use: 'sig' },
        { ...ec.publicKey.export({ format: 'jwk' }), kid: 'e1', alg: 'ES256', use: 'sig' },
      ],
    };
    const check = createTokenVerifier(localJwksSources(jwks), NO_CHECKS);
    const byRsa = signJwt({ sub: 'r' }, createSigningKey('RS256', rsa.privateKey), { kid: 'r1' });
    const byEc = signJwt({ sub: 'e' }, createSigningKey('ES256', ec.privateKey), { kid: 'e1' });
    assert.deepEqual(await check.verify(byRsa), { sub: 'r' });
    assert.deepEqual(await check.verify(byEc), { sub: 'e' });
    const unknown = signJwt({}, createSigningKey('RS256', rsa.privateKey), { kid: 'nope' });
    await rejects(check.verify(unknown), 'UNKNOWN_KEY');
    // An HS256 token does not fit an RSA or EC key, whatever kid it names.
    await rejects(check.verify(handmade({ alg: 'HS256', kid: 'r1' }, {})), 'ALG_NOT_ALLOWED');

    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    assert.throws(() => localJwksSources({ keys: [weak] }), /1024 bits; at least 2048/);
    assert.throws(
      () => localJwksSources({ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }),
      /has 6 bytes; HS256 needs at least 32/,
    );
    assert.throws(() => localJwksSources({ nokeys: [] }), /"keys" array/);
  });

  test('a JWK Set file may hold shared secrets: HS256 rotation by kid', async () => {
    const k = (secret: string) => Buffer.from(secret).toString('base64url');
    const jwks = {
      keys: [
        { kty: 'oct', kid: 'new', k: k(`${SECRET}-new`) },
        { kty: 'oct', kid: 'old', k: k(SECRET) },
      ],
    };
    const check = createTokenVerifier(localJwksSources(jwks), NO_CHECKS);
    assert.ok(await check.verify(handmade({ alg: 'HS256', kid: 'old' }, { n: 1 })));
    assert.ok(await check.verify(handmade({ alg: 'HS256', kid: 'new' }, { n: 2 }, `${SECRET}-new`)));
    await rejects(check.verify(handmade({ alg: 'HS256', kid: 'new' }, {})), 'BAD_SIGNATURE');
  });

  test('a JWK Set with two keys and no kids: each is tried', async () => {
    const a = keyPair('ES256');
    const b = keyPair('ES256');
    const jwks = { keys: [a.publicKey.export({ format: 'jwk' }), b.publicKey.export({ format: 'jwk' })] };
    const check = createTokenVerifier(localJwksSources(jwks), NO_CHECKS);
    assert.deepEqual(await check.verify(signJwt({ k: 'b' }, createSigningKey('ES256', b.privateKey))), { k: 'b' });
    const stranger = keyPair('ES256');
    await rejects(check.verify(signJwt({}, createSigningKey('ES256', stranger.privateKey))), 'BAD_SIGNATURE');
  });
});
