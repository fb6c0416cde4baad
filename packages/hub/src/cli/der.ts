/**
 * The few ASN.1 DER encodings (ITU-T X.690) an X.509 certificate needs, so `--dev-cert` can make one
 * with node:crypto alone: Node parses certificates (X509Certificate) but has no way to write one, and
 * calling the openssl command would make the hub depend on a binary a machine may not have.
 */

const UNIVERSAL = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  oid: 0x06,
  utf8String: 0x0c,
  sequence: 0x30,
  set: 0x31,
  utcTime: 0x17,
  generalizedTime: 0x18,
} as const;

/** [spec] X.690 §8.1.3: short form below 128, else 0x80 + the count of big-endian length bytes. */
function lengthBytes(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** One tag-length-value. */
export function tlv(tag: number, ...content: readonly Uint8Array[]): Uint8Array {
  const body = concat(content);
  return concat([Uint8Array.of(tag), lengthBytes(body.length), body]);
}

export const sequence = (...items: readonly Uint8Array[]) => tlv(UNIVERSAL.sequence, ...items);
export const set = (...items: readonly Uint8Array[]) => tlv(UNIVERSAL.set, ...items);
export const octetString = (bytes: Uint8Array) => tlv(UNIVERSAL.octetString, bytes);
export const utf8String = (text: string) => tlv(UNIVERSAL.utf8String, new TextEncoder().encode(text));
export const booleanTrue = () => tlv(UNIVERSAL.boolean, Uint8Array.of(0xff));
/** [spec] X.690 §8.6: a bit string starts with its count of unused bits (0: whole bytes). */
export const bitString = (bytes: Uint8Array, unusedBits = 0) =>
  tlv(UNIVERSAL.bitString, Uint8Array.of(unusedBits), bytes);
/** A context-specific tag [n], constructed (EXPLICIT wrapping) or primitive (IMPLICIT, e.g. a GeneralName). */
export const contextTag = (n: number, constructed: boolean, ...content: readonly Uint8Array[]) =>
  tlv((constructed ? 0xa0 : 0x80) | n, ...content);

/** A non-negative INTEGER from its big-endian bytes: minimal, with a 0x00 in front when the top bit is set. */
export function unsignedInteger(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  return tlv(UNIVERSAL.integer, (trimmed[0] ?? 0) & 0x80 ? concat([Uint8Array.of(0), trimmed]) : trimmed);
}

export const smallInteger = (value: number) => unsignedInteger(Uint8Array.of(value));

/** [spec] X.690 §8.19: the first two arcs share a byte (40 * a + b), every arc is base 128 with continuation bits. */
export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const values = [40 * arcs[0]! + arcs[1]!, ...arcs.slice(2)];
  const bytes: number[] = [];
  for (const value of values) {
    const groups = [value % 128];
    for (let rest = Math.floor(value / 128); rest > 0; rest = Math.floor(rest / 128))
      groups.unshift(0x80 | (rest % 128));
    bytes.push(...groups);
  }
  return tlv(UNIVERSAL.oid, Uint8Array.from(bytes));
}

/** [spec] RFC 5280 §4.1.2.5: UTCTime (YYMMDDHHMMSSZ) through 2049, GeneralizedTime from 2050; whole seconds, UTC. */
export function time(date: Date): Uint8Array {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  const year = date.getUTCFullYear();
  if (year >= 1950 && year < 2050) return tlv(UNIVERSAL.utcTime, new TextEncoder().encode(digits.slice(2)));
  return tlv(UNIVERSAL.generalizedTime, new TextEncoder().encode(digits));
}
