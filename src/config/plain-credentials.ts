/**
 * Credentials sent in clear: an OTLP endpoint on plain http:// to a host other than this
 * machine, with userinfo in its URL or an auth-like header. Said once at start-up per
 * signal, naming the signal, the host and the header — never the secret.
 */
import { type SecretMatcher, secretMatcher } from '../secrets.js';
import { otlpOutputs } from './otlp-outputs.js';
import type { ResolvedConfig } from './types.js';

export function plainCredentialWarnings(config: ResolvedConfig): string[] {
  const secrets = secretMatcher(config.privacy.secretKeys);
  return otlpOutputs(config).flatMap(({ signal, target: { endpoint, headers } }) => {
    const problem = inClear(endpoint, headers, secrets);
    return problem ? [`${signal}: ${problem} sent over plain http to ${new URL(endpoint).hostname}; use https:// for a collector on another host`] : [];
  });
}

function inClear(endpoint: string, headers: Readonly<Record<string, string>>, secrets: SecretMatcher): string | null {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' || isLoopback(url.hostname)) return null;
  const sent = Object.keys(headers).filter((name) => secrets.isSecretField(name)).map((name) => `header ${name}`);
  if (url.username || url.password) sent.unshift('credentials in the URL');
  return sent.length ? sent.join(', ') : null;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(hostname) || hostname === '[::1]';
}
