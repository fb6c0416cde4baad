/**
 * The address a per-client limit counts a request against. Behind a reverse proxy every request comes
 * from the proxy, so with `trustProxy` the address is the last entry of `X-Forwarded-For`: the one the
 * proxy in front of the hub appended (entries before it are whatever the client sent, and can be forged).
 * IPv6 addresses count by their /64 prefix, the block one subscriber line usually gets: counting single
 * IPv6 addresses would let one host take 2^64 of them.
 */
import { isIPv4, isIPv6 } from 'node:net';

/**
 * The /64 prefix of a valid IPv6 address: its first four groups, `::` expanded. (An IPv4 tail, as in
 * `64:ff9b::192.0.2.1`, only ever sits in the last two groups, so it never moves the first four.)
 */
function ipv6Prefix(address: string): string {
  const [head = '', tail] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0');
  const groups = [...left, ...zeros, ...right].slice(0, 4);
  return `${groups.map((group) => Number.parseInt(group, 16).toString(16)).join(':')}::/64`;
}

/** The key for `address`: IPv4 as is (also when IPv4-mapped, `::ffff:1.2.3.4`), IPv6 by /64; null if unknown. */
export function clientKey(address: string | null | undefined): string | null {
  if (address === null || address === undefined) return null;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped !== undefined && isIPv4(mapped)) return mapped;
  if (isIPv4(address)) return address;
  const bare = address.replace(/%.*$/, ''); // a zone index (fe80::1%eth0) names an interface, not a host
  return isIPv6(bare) ? ipv6Prefix(bare) : null;
}

/** The client's address: the peer's, or with `trustProxy` the last `X-Forwarded-For` entry. */
export function clientAddress(
  peer: string | null,
  forwardedFor: string | undefined,
  trustProxy: boolean,
): string | null {
  if (!trustProxy || forwardedFor === undefined) return peer;
  const last = forwardedFor.split(',').at(-1)?.trim();
  return last === undefined || last === '' ? peer : last;
}
