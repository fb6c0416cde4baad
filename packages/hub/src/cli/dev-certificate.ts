/**
 * `--dev-cert`: a self-signed certificate for localhost, made in memory at start, so HTTPS and HTTP/2
 * can be tried without openssl or a certificate authority. For development only: no browser trusts it
 * (they show a warning, or need it trusted by hand), and it changes at every start.
 */
import { generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import { DEV_CERT_BACKDATE_MINUTES, DEV_CERT_VALIDITY_DAYS } from './cli-limits.js';
import {
  bitString,
  booleanTrue,
  contextTag,
  octetString,
  oid,
  sequence,
  set,
  smallInteger,
  time,
  unsignedInteger,
  utf8String,
} from './der.js';

/** Names the development certificate is valid for (subjectAltName): the loopback names a browser uses. */
export const DEV_CERT_NAMES: readonly string[] = ['localhost', '127.0.0.1', '::1'];

const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  subjectAltName: '2.5.29.17',
  keyUsage: '2.5.29.15',
  basicConstraints: '2.5.29.19',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
} as const;

export interface DevCertificate {
  /** PEM certificate. */
  readonly cert: string;
  /** PEM private key (PKCS#8, ECDSA P-256). */
  readonly key: string;
  /** SHA-256 fingerprint, colon-separated hex, as browsers show it. */
  readonly fingerprint256: string;
  readonly validTo: Date;
}

function ipBytes(address: string): Uint8Array {
  if (isIPv4(address)) return Uint8Array.from(address.split('.').map(Number));
  // IPv6: expand "::" to the missing zero groups, then two bytes per group.
  const [head = '', tail] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return Uint8Array.from(groups.flatMap((group) => [parseInt(group, 16) >> 8, parseInt(group, 16) & 0xff]));
}

/** [spec] RFC 5280 §4.2.1.6: GeneralName dNSName is [2] IA5String, iPAddress is [7] OCTET STRING. */
function generalName(name: string): Uint8Array {
  if (isIPv4(name) || isIPv6(name)) return contextTag(7, false, ipBytes(name));
  return contextTag(2, false, new TextEncoder().encode(name));
}

/** [spec] RFC 5280 §4.1: Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }. */
function extension(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical ? sequence(oid(id), booleanTrue(), octetString(value)) : sequence(oid(id), octetString(value));
}

function toPem(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${base64.match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`;
}

/** Makes a new key pair and a self-signed certificate for DEV_CERT_NAMES. */
export function createDevCertificate(now = new Date()): DevCertificate {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000 - DEV_CERT_BACKDATE_MINUTES * 60_000);
  const notAfter = new Date(notBefore.getTime() + DEV_CERT_VALIDITY_DAYS * 86_400_000);
  const name = sequence(
    set(sequence(oid(OID.organization), utf8String('Tidings development certificate'))),
    set(sequence(oid(OID.commonName), utf8String(DEV_CERT_NAMES[0]!))),
  );
  const serial = randomBytes(16);
  serial[0]! &= 0x7f; // [spec] RFC 5280 §4.1.2.2: a positive integer of at most 20 bytes
  const signatureAlgorithm = sequence(oid(OID.ecdsaWithSha256)); // [spec] RFC 5758 §3.2: no parameters
  const tbs = sequence(
    contextTag(0, true, smallInteger(2)), // version 3
    unsignedInteger(serial),
    signatureAlgorithm,
    name, // issuer: self-signed
    sequence(time(notBefore), time(notAfter)),
    name, // subject
    new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })),
    contextTag(
      3,
      true,
      sequence(
        // [spec] RFC 5280 §4.2.1.6: clients match the host against subjectAltName, not the common name.
        extension(OID.subjectAltName, false, sequence(...DEV_CERT_NAMES.map(generalName))),
        extension(OID.basicConstraints, true, sequence()), // not a CA
        extension(OID.keyUsage, true, bitString(Uint8Array.of(0x80), 7)), // digitalSignature only
        extension(OID.extKeyUsage, false, sequence(oid(OID.serverAuth))),
      ),
    ),
  );
  // node:crypto signs ECDSA in DER (r, s), which is what a certificate carries (RFC 5758 §3.2).
  const signature = sign('sha256', tbs, privateKey);
  const certificate = sequence(tbs, signatureAlgorithm, bitString(new Uint8Array(signature)));
  const cert = toPem('CERTIFICATE', certificate);
  const parsed = new X509Certificate(cert); // a malformed encoding throws here, at start, not in a client
  return {
    cert,
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    fingerprint256: parsed.fingerprint256,
    validTo: notAfter,
  };
}
