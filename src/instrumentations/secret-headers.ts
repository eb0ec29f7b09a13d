/**
 * Header capture never takes a secret header: the header-name lists of an instrumentation's
 * `headersToSpanAttributes` (http: `{ client, server } × { requestHeaders, responseHeaders }`;
 * undici: `{ requestHeaders, responseHeaders }`) lose `authorization`, `cookie`, `x-api-key`
 * and every other name src/secrets.ts calls a secret, with one warning naming them. Decided
 * once at setup, so that requests pay nothing for it.
 */
import { warn } from '../diagnostics.js';
import type { SecretMatcher } from '../secrets.js';

export function withoutSecretHeaders(name: string, options: Record<string, unknown>, secrets: SecretMatcher): Record<string, unknown> {
  const capture = options.headersToSpanAttributes;
  if (capture === null || typeof capture !== 'object') return options;
  const dropped = new Set<string>();
  const filtered = filterLists(capture, secrets, dropped);
  if (dropped.size > 0) {
    warn(`instrumentations.${name}.headersToSpanAttributes: ${[...dropped].join(', ')} never captured (secret headers; see privacy.secretKeys)`);
  }
  return { ...options, headersToSpanAttributes: filtered };
}

/** A copy of `value` in which every array of header names lacks the secret ones. */
function filterLists(value: unknown, secrets: SecretMatcher, dropped: Set<string>): unknown {
  if (Array.isArray(value)) {
    return value.filter((header) => {
      const secret = typeof header === 'string' && secrets.isSecretField(header);
      if (secret) dropped.add(header);
      return !secret;
    });
  }
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, filterLists(child, secrets, dropped)]));
}
