/**
 * Who may read the metrics: an IP allowlist on the real peer address (X-Forwarded-For is
 * believed only from configured proxies), then optional bearer or basic auth.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ResolvedConfig } from '../../config/types.js';
import { ipMatcher } from '../../http/cidr.js';

export type AccessOptions = Pick<ResolvedConfig['metrics']['prometheus'], 'allowedIps' | 'trustProxy' | 'auth'>;

export type AccessDecision =
  | { readonly status: 200 }
  | { readonly status: 403 }
  | { readonly status: 401; readonly challenge: string };

export type AccessPolicy = (request: IncomingMessage) => AccessDecision;

const ALLOWED: AccessDecision = { status: 200 };
const DENIED: AccessDecision = { status: 403 };

export function createAccessPolicy(options: AccessOptions): AccessPolicy {
  const allowed = options.allowedIps.length > 0 ? ipMatcher(options.allowedIps, 'allowedIps') : null;
  const clientIp = clientIpResolver(options.trustProxy);
  const authorized = authorizer(options.auth);
  return (request) => {
    if (allowed && !allowed(clientIp(request))) return DENIED;
    return authorized(request.headers.authorization);
  };
}

/**
 * The peer address, unless the peer is a trusted proxy: then X-Forwarded-For is walked from
 * the right, skipping trusted proxies, and the first untrusted hop is the client. Anything
 * a client can forge is to the left of what a trusted proxy appended, so it is never reached
 * while an untrusted hop stands in between.
 */
export function clientIpResolver(trustProxy: readonly string[]): (request: IncomingMessage) => string | undefined {
  if (trustProxy.length === 0) return (request) => request.socket.remoteAddress;
  const trusted = ipMatcher(trustProxy, 'trustProxy');
  return (request) => {
    const peer = request.socket.remoteAddress;
    const header = request.headers['x-forwarded-for'];
    if (!trusted(peer) || !header) return peer;
    const hops = (Array.isArray(header) ? header.join(',') : header).split(',').map((hop) => hop.trim());
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i]!;
      if (!trusted(hop)) return hop;
    }
    return hops[0] || peer;
  };
}

const loopback = ipMatcher(['127.0.0.0/8', '::1'], 'loopback');

/**
 * The start-up warning for an endpoint anyone on the network may read: bound to a
 * non-loopback address with neither an allowlist nor auth. All interfaces stay the default
 * (Prometheus in Kubernetes or compose scrapes the pod or container address; loopback would
 * fail every scrape silently), so the operator is told once instead. Null: nothing to say.
 */
export function openEndpointWarning(boundAddress: string, url: string, options: AccessOptions): string | null {
  if (loopback(boundAddress) || options.allowedIps.length > 0 || options.auth !== null) return null;
  return (
    `metrics endpoint ${url} is open to every host that can reach this one (no allowedIps, no auth); ` +
    "restrict it with metrics.prometheus.allowedIps (e.g. ['10.0.0.0/8']), metrics.prometheus.auth, or metrics.prometheus.host: '127.0.0.1'"
  );
}

function authorizer(auth: AccessOptions['auth']): (header: string | undefined) => AccessDecision {
  if (auth === null) return () => ALLOWED;
  const expected =
    'bearerToken' in auth
      ? `bearer ${auth.bearerToken}`
      : `basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  const challenge = 'bearerToken' in auth ? 'Bearer realm="metrics"' : 'Basic realm="metrics", charset="UTF-8"';
  const expectedDigest = digest(expected);
  const unauthorized: AccessDecision = { status: 401, challenge };
  // Digests have equal length, so the comparison time says nothing about the secret.
  return (header) => (header !== undefined && timingSafeEqual(digest(canonical(header)), expectedDigest) ? ALLOWED : unauthorized);
}

/** The auth scheme is case-insensitive (RFC 9110); the credentials are not. */
function canonical(header: string): string {
  const trimmed = header.trim();
  const space = trimmed.indexOf(' ');
  return space < 0 ? trimmed : `${trimmed.slice(0, space).toLowerCase()} ${trimmed.slice(space + 1).trim()}`;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
