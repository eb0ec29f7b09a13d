/**
 * IP allowlists: IPv4 and IPv6 CIDRs on Node's BlockList. IPv4-mapped IPv6 peers
 * (`::ffff:10.1.2.3`, what a dual-stack server reports for IPv4 clients) match IPv4 rules.
 *
 * `parseCidr` is the one parser, and `checkedCidr` the one error for a bad rule: the config
 * check (schema.ts, which `metricsHandler({ access })` goes through too) and the matcher use
 * them. Only the canonical forms are accepted; the ambiguous ones are refused with the reason
 * and, where there is one, the form that was probably meant (docs/metrics.md lists them): an
 * allowlist is a security boundary, so a rule is never silently widened or narrowed.
 */
import { BlockList, isIP } from 'node:net';
import { BeaconConfigError, ErrorCodes } from '../errors.js';

export interface IpMatcher {
  /** False for anything that is not an IP address. */
  (address: string | undefined): boolean;
}

export interface Cidr {
  /** The network address (IPv4-mapped rules as plain IPv4). */
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

const MAPPED_V4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** Strips the IPv4-mapped prefix and an IPv6 zone id of a peer address; returns null for non-addresses. */
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

/** A rule written in config: `10.0.0.0/8`, `::1`, `::ffff:10.0.0.0/104`; the reason it is not one otherwise. */
export function parseCidr(text: string): Cidr | { problem: string } {
  const [address = '', prefixText, ...rest] = text.split('/');
  if (rest.length > 0) return { problem: 'one "/" at most' };
  if (address.includes('%')) {
    // A zone names an interface of this host; an allowlist matches peers, whatever the interface.
    return { problem: `no zone id: write '${address.slice(0, address.indexOf('%'))}${prefixText === undefined ? '' : `/${prefixText}`}'` };
  }
  const family = isIP(address);
  if (family === 0) {
    // inet_aton reads 010 as octal 8; Node and browsers refuse it: never guess which was meant.
    if (/^\d+(\.\d+){3}$/.test(address)) return { problem: 'IPv4 octets without leading zeros: 010 reads as octal 8 in some tools' };
    return { problem: 'an IPv4 or IPv6 address' };
  }
  const mapped = MAPPED_V4.exec(address);
  const max = family === 4 ? 32 : 128;
  let prefix = max;
  if (prefixText !== undefined) {
    if (!/^(0|[1-9]\d*)$/.test(prefixText)) {
      const hint = /^\d+$/.test(prefixText) ? `: write '${address}/${Number(prefixText)}'` : '';
      return { problem: `a prefix length 0..${max} in plain decimal${hint}` };
    }
    prefix = Number(prefixText);
    if (prefix > max) return { problem: `a prefix length 0..${max}` };
    if (mapped && prefix < 96) return { problem: 'a prefix length 96..128 on an IPv4-mapped address' };
  }
  const v4 = mapped ? mapped[1]! : family === 4 ? address : null;
  const rule: Cidr = v4 ? { address: v4, prefix: mapped ? prefix - 96 : prefix, family: 'ipv4' } : { address, prefix, family: 'ipv6' };
  const network = networkIfHostBitsSet(rule);
  if (network !== null) {
    // 127.0.0.5/24: the host or the network? Both readings are plausible; say both.
    const networkText = mapped ? `::ffff:${network}/${prefix}` : `${network}/${prefix}`;
    return { problem: `no host bits set after the prefix: write '${networkText}' for the network or '${address}' for the one address` };
  }
  return rule;
}

/** What a rule may be, for the error that refuses one. */
export const CIDR_EXPECTED = "an IPv4 or IPv6 address or CIDR, e.g. '10.0.0.0/8' or '::1/128'";

/** The rule written at config field `field`, or the BeaconConfigError naming the field and why not. */
export function checkedCidr(text: string, field: string): Cidr {
  const rule = parseCidr(text);
  if ('problem' in rule) {
    throw new BeaconConfigError(ErrorCodes.INVALID_VALUE, field, `expected ${CIDR_EXPECTED} (${rule.problem}), got ${JSON.stringify(text)}`);
  }
  return rule;
}

/** CIDRs (or bare addresses) → a matcher; `field` names the list in the error for a bad rule. */
export function ipMatcher(cidrs: readonly string[], field: string): IpMatcher {
  const list = new BlockList();
  cidrs.forEach((text, index) => {
    const rule = checkedCidr(text, `${field}[${index}]`);
    list.addSubnet(rule.address, rule.prefix, rule.family);
  });
  return (address) => {
    const ip = normalizeIp(address);
    return ip !== null && list.check(ip.address, ip.family);
  };
}

/** The rule's network address (every bit after the prefix cleared) when that differs from the address; else null. */
function networkIfHostBitsSet({ address, prefix, family }: Cidr): string | null {
  if (family === 'ipv4') {
    const value = address.split('.').reduce((total, octet) => total * 256 + Number(octet), 0);
    const network = value - (value % 2 ** (32 - prefix));
    return network === value ? null : [24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256).join('.');
  }
  const groups = expandIpv6(address);
  let bits = prefix;
  const masked = groups.map((group) => {
    const keep = Math.max(0, Math.min(16, bits));
    bits -= 16;
    return keep === 0 ? 0 : group & (0xffff << (16 - keep)) & 0xffff;
  });
  return masked.every((group, i) => group === groups[i]) ? null : compressIpv6(masked);
}

function expandIpv6(address: string): number[] {
  let text = address.toLowerCase();
  // A trailing dotted IPv4 part (::ffff:1.2.3.4, 64:ff9b::1.2.3.4) is two groups.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : new Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((group) => parseInt(group, 16));
}

function compressIpv6(groups: number[]): string {
  // The longest run of zero groups (two or more) becomes '::' (RFC 5952).
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
