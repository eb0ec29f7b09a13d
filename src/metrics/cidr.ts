/**
 * IP allowlists: IPv4 and IPv6 CIDRs on Node's BlockList. IPv4-mapped IPv6 peers
 * (`::ffff:10.1.2.3`, what a dual-stack server reports for IPv4 clients) match IPv4 rules.
 */
import { BlockList, isIP } from 'node:net';

export interface IpMatcher {
  /** False for anything that is not an IP address. */
  (address: string | undefined): boolean;
}

const MAPPED_V4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** Strips the IPv4-mapped prefix and an IPv6 zone id; returns null for non-addresses. */
export function normalizeIp(address: string | undefined): { address: string; family: 'ipv4' | 'ipv6' } | null {
  if (!address) return null;
  let ip = address.trim();
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  const zone = ip.indexOf('%');
  if (zone >= 0) ip = ip.slice(0, zone);
  const mapped = MAPPED_V4.exec(ip);
  if (mapped) ip = mapped[1]!;
  const family = isIP(ip);
  if (family === 0) return null;
  return { address: ip, family: family === 4 ? 'ipv4' : 'ipv6' };
}

/** CIDRs (or bare addresses) → a matcher. The config schema has validated them already. */
export function ipMatcher(cidrs: readonly string[]): IpMatcher {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address = '', prefix] = cidr.split('/');
    const ip = normalizeIp(address);
    if (!ip) throw new TypeError(`not an IP address or CIDR: ${cidr}`);
    const bits = prefix === undefined ? (ip.family === 'ipv4' ? 32 : 128) : Number(prefix);
    // An IPv4-mapped rule with an IPv6 prefix (::ffff:10.0.0.0/104) is an IPv4 rule.
    const v4bits = ip.family === 'ipv4' && MAPPED_V4.test(address) && prefix !== undefined ? bits - 96 : bits;
    list.addSubnet(ip.address, v4bits, ip.family);
  }
  return (address) => {
    const ip = normalizeIp(address);
    return ip !== null && list.check(ip.address, ip.family);
  };
}
