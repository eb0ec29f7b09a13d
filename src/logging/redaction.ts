/**
 * What never reaches a log output. pino's redact paths are exact (`password` does not
 * cover `user.password`), and wildcard paths are slow: the default secret keys expanded to
 * `*.key`, `*.*.key`, … made every line ~25× slower. So the defaults are applied by one
 * walk over the logged object (a Set lookup per key, down to four levels, copying only
 * what changes), and only the user's own `logging.redact` paths go to pino's redact.
 */
const SECRET_KEYS = new Set([
  'authorization', 'Authorization', 'proxy-authorization', 'Proxy-Authorization',
  'cookie', 'Cookie', 'set-cookie', 'Set-Cookie', 'x-api-key', 'X-Api-Key',
  'password', 'passwd', 'token', 'accessToken', 'access_token', 'refreshToken', 'refresh_token',
  'apiKey', 'api_key', 'secret', 'clientSecret', 'client_secret',
]);

/** Top level plus three levels of nesting: `req.headers.authorization`, and in ECS `http.request.headers.authorization`. */
const MAX_DEPTH = 4;

export const CENSOR = '[Redacted]';

/** `value` with every default secret key censored; the same object when there is none. */
export function censorSecrets<T>(value: T, depth = MAX_DEPTH): T {
  if (depth === 0 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, index) => {
      const next = censorSecrets(item, depth - 1);
      if (next !== item) (copy ??= [...value])[index] = next;
    });
    return (copy ?? value) as T;
  }
  // Class instances (errors, requests, buffers) go to their serializers untouched.
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return value;
  let copy: Record<string, unknown> | undefined;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const item = record[key];
    const next = SECRET_KEYS.has(key) ? CENSOR : censorSecrets(item, depth - 1);
    if (next !== item) (copy ??= { ...record })[key] = next;
  }
  return (copy ?? value) as T;
}
