// A self-signed X.509 certificate made at start, in Node alone (no openssl command, no dependency), so the
// HTTP/2 example can serve TLS: browsers speak HTTP/2 only over TLS. The certificate is for this demo on
// loopback; browsers warn about it (it is signed by nobody they trust), which is expected.
//
// The DER below follows RFC 5280 (Certificate, TBSCertificate) with an ECDSA P-256 key and signature
// (RFC 5758), and a subjectAltName for localhost and 127.0.0.1 (browsers ignore the common name).
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';

/** How long the certificate is valid, in days from now. */
export const CERTIFICATE_DAYS = 30;
/** Seconds the validity starts before now, so a clock a little behind still accepts it. */
const BACKDATE_SECONDS = 60 * 60;

// DER: tag, length, content. Lengths under 128 take one byte; longer ones 0x80 | number of length bytes.
function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  let length: Buffer;
  if (body.length < 0x80) {
    length = Buffer.from([body.length]);
  } else {
    const bytes: number[] = [];
    for (let n = body.length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
    length = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), length, body]);
}

const sequence = (...items: Buffer[]) => der(0x30, ...items);
const set = (...items: Buffer[]) => der(0x31, ...items);
const octetString = (content: Buffer) => der(0x04, content);
const bitString = (content: Buffer) => der(0x03, Buffer.from([0]), content); // 0 unused bits
const utf8String = (text: string) => der(0x0c, Buffer.from(text, 'utf8'));
const explicit = (n: number, content: Buffer) => der(0xa0 + n, content);

function integer(bytes: Buffer): Buffer {
  // A DER INTEGER is signed: a leading 1 bit would make it negative, so prefix a zero byte.
  return der(0x02, (bytes[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

function oid(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const groups: number[] = [];
    for (let n = arc; ; n = Math.floor(n / 128)) {
      groups.unshift((n % 128) | (groups.length > 0 ? 0x80 : 0));
      if (n < 128) break;
    }
    bytes.push(...groups);
  }
  return der(0x06, Buffer.from(bytes));
}

/** UTCTime (YYMMDDHHMMSSZ) up to 2049, GeneralizedTime (YYYYMMDDHHMMSSZ) from 2050, as RFC 5280 requires. */
function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14); // YYYYMMDDHHMMSS
  return date.getUTCFullYear() < 2050 ? der(0x17, Buffer.from(`${iso.slice(2)}Z`)) : der(0x18, Buffer.from(`${iso}Z`));
}

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
};

function extension(id: string, value: Buffer): Buffer {
  return sequence(oid(id), octetString(value));
}

export interface SelfSignedCertificate {
  /** The certificate, PEM. */
  readonly cert: string;
  /** Its private key, PKCS#8 PEM. */
  readonly key: string;
}

/** Makes a new key pair and a certificate for `localhost` and 127.0.0.1 signed with it. */
export function makeSelfSignedCertificate(now: Date = new Date()): SelfSignedCertificate {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const name = sequence(set(sequence(oid(OID.commonName), utf8String('localhost'))));
  const notBefore = new Date(now.getTime() - BACKDATE_SECONDS * 1000);
  const notAfter = new Date(now.getTime() + CERTIFICATE_DAYS * 86_400_000);
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f || 1; // positive and without a leading zero byte
  const algorithm = sequence(oid(OID.ecdsaWithSha256));
  const altNames = sequence(
    der(0x82, Buffer.from('localhost')), // [2] dNSName
    der(0x87, Buffer.from([127, 0, 0, 1])), // [7] iPAddress
  );
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))), // version 3
    integer(serial),
    algorithm,
    name, // issuer: itself
    sequence(time(notBefore), time(notAfter)),
    name, // subject
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(
      3,
      sequence(
        extension(OID.subjectAltName, altNames),
        extension(OID.basicConstraints, sequence()), // not a CA
        extension(OID.extKeyUsage, sequence(oid(OID.serverAuth))),
      ),
    ),
  );
  const signature = sign('sha256', tbs, privateKey); // DER ECDSA-Sig-Value
  const certificate = sequence(tbs, algorithm, bitString(signature));
  const base64 = certificate.toString('base64').replace(/.{64}/g, '$&\n');
  return {
    cert: `-----BEGIN CERTIFICATE-----\n${base64}${base64.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE-----\n`,
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
