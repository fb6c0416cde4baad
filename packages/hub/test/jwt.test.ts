import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { describe, test } from 'node:test';
import { createSigningKey, createVerifyKey, signJwt, TokenError, verifyJwt } from '@tidings/hub';

const SECRET = '!ChangeThisMercureHubJWTSecretKey!';
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A token built by hand, so tests can forge headers the signer would never write. */
function handmade(header: Record<string, unknown>, claims: Record<string, unknown>, secret = SECRET): string {
  const input = `${b64(header)}.${b64(claims)}`;
  const hash = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[String(header.alg)] ?? 'sha256';
  return `${input}.${createHmac(hash, secret).update(input).digest('base64url')}`;
}

function rejects(fn: () => unknown, code: string) {
  assert.throws(fn, (error: unknown) => error instanceof TokenError && error.code === code);
}

describe('jwt: HMAC', () => {
  for (const alg of ['HS256', 'HS384', 'HS512'] as const) {
    test(`${alg} round-trips and rejects a wrong secret`, () => {
      const token = signJwt({ mercure: { publish: ['*'] } }, createSigningKey(alg, SECRET));
      assert.deepEqual(verifyJwt(token, createVerifyKey(alg, SECRET)), { mercure: { publish: ['*'] } });
      rejects(() => verifyJwt(token, createVerifyKey(alg, 'another secret')), 'BAD_SIGNATURE');
    });
  }

  test('a token made elsewhere (by hand, per RFC 7515) verifies', () => {
    const token = handmade({ alg: 'HS256', typ: 'JWT' }, { mercure: { subscribe: ['a'] } });
    assert.deepEqual(verifyJwt(token, createVerifyKey('HS256', SECRET)), { mercure: { subscribe: ['a'] } });
  });

  test('the configured algorithm is the only one accepted', () => {
    const key = createVerifyKey('HS256', SECRET);
    rejects(() => verifyJwt(handmade({ alg: 'HS512' }, {}), key), 'ALG_NOT_ALLOWED');
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ mercure: { publish: ['*'] } })}.`;
    rejects(() => verifyJwt(none, key), 'ALG_NOT_ALLOWED');
    rejects(() => verifyJwt(handmade({ alg: 'none' }, {}), key), 'ALG_NOT_ALLOWED');
  });

  test('exp in the past and nbf in the future are refused; the boundaries are exact', () => {
    const key = createVerifyKey('HS256', SECRET);
    const token = handmade({ alg: 'HS256' }, { exp: 1000, nbf: 900 });
    assert.ok(verifyJwt(token, key, { now: 900 }));
    assert.ok(verifyJwt(token, key, { now: 999.5 }));
    rejects(() => verifyJwt(token, key, { now: 1000 }), 'EXPIRED');
    rejects(() => verifyJwt(token, key, { now: 899 }), 'NOT_YET_VALID');
    rejects(() => verifyJwt(handmade({ alg: 'HS256' }, { exp: Date.now() / 1000 - 5 }), key), 'EXPIRED');
    rejects(() => verifyJwt(handmade({ alg: 'HS256' }, { exp: 'tomorrow' }), key), 'MALFORMED');
  });

  test('malformed tokens are refused without throwing anything else', () => {
    const key = createVerifyKey('HS256', SECRET);
    const good = handmade({ alg: 'HS256' }, {});
    const [h, p, s] = good.split('.') as [string, string, string];
    for (const bad of ['', 'abc', 'a.b', `${h}.${p}`, `${h}.${p}.${s}.x`, `${h}.${p}.${s}=`, `${h}!.${p}.${s}`]) {
      rejects(() => verifyJwt(bad, key), 'MALFORMED');
    }
    rejects(() => verifyJwt(`${b64([1])}.${p}.${s}`, key), 'MALFORMED');
    rejects(() => verifyJwt(`${h}.${Buffer.from('not json').toString('base64url')}.${s}`, key), 'MALFORMED');
    rejects(() => verifyJwt('a'.repeat(20_000), key), 'MALFORMED');
    rejects(() => verifyJwt(handmade({ alg: 'HS256', crit: ['exp'] }, {}), key), 'MALFORMED');
    // A valid signature over other content: the payload was tampered with.
    rejects(() => verifyJwt(`${h}.${b64({ mercure: { publish: ['*'] } })}.${s}`, key), 'BAD_SIGNATURE');
  });

  test('key creation explains bad keys', () => {
    assert.throws(() => createVerifyKey('HS256', ''), /non-empty secret/);
    assert.throws(() => createVerifyKey('RS256', 'not a pem'), /PEM public key/);
    assert.throws(() => createVerifyKey('PS256' as never, SECRET), /must be one of/);
  });
});

describe('jwt: RSA and ECDSA', () => {
  test('RS256 verifies with the PEM public key and refuses HS256 tokens signed with that PEM (alg confusion)', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const token = signJwt({ sub: 'x' }, createSigningKey('RS256', privatePem));
    const key = createVerifyKey('RS256', publicPem);
    assert.deepEqual(verifyJwt(token, key), { sub: 'x' });
    rejects(() => verifyJwt(handmade({ alg: 'HS256' }, { sub: 'x' }, publicPem), key), 'ALG_NOT_ALLOWED');
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    rejects(() => verifyJwt(signJwt({ sub: 'x' }, createSigningKey('RS256', other)), key), 'BAD_SIGNATURE');
  });

  test('ES256 signatures are raw r||s (64 bytes); DER signatures are refused', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const token = signJwt({ sub: 'y' }, createSigningKey('ES256', privateKey));
    assert.equal(Buffer.from(token.split('.')[2]!, 'base64url').length, 64);
    const key = createVerifyKey('ES256', publicPem);
    assert.deepEqual(verifyJwt(token, key), { sub: 'y' });
    const [h, p] = token.split('.') as [string, string];
    const der = sign('sha256', Buffer.from(`${h}.${p}`), privateKey).toString('base64url');
    rejects(() => verifyJwt(`${h}.${p}.${der}`, key), 'BAD_SIGNATURE');
  });

  test('ES256 refuses keys on other curves and RSA keys', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey;
    assert.throws(() => createVerifyKey('ES256', p384), /P-256/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    assert.throws(() => createVerifyKey('ES256', rsa), /P-256/);
  });
});
