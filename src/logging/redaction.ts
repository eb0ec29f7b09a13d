/**
 * What never reaches a log output. pino's redact paths are exact (`password` does not
 * cover `user.password`), so each default secret key is expanded to wildcard paths down
 * to four levels: enough for `req.headers.authorization` and, in ECS format,
 * `http.request.headers.authorization`.
 */
const SECRET_KEYS = [
  'authorization',
  'Authorization',
  'proxy-authorization',
  'cookie',
  'Cookie',
  'set-cookie',
  'Set-Cookie',
  'x-api-key',
  'password',
  'passwd',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'apiKey',
  'api_key',
  'secret',
  'clientSecret',
  'client_secret',
];

const MAX_DEPTH = 4;

export const CENSOR = '[Redacted]';

/** `key`, `*.key`, `*.*.key`, …; bracket notation for keys that are not identifiers. */
function pathsFor(key: string): string[] {
  const identifier = /^[A-Za-z_$][\w$]*$/.test(key);
  return Array.from({ length: MAX_DEPTH }, (_, depth) => {
    const prefix = Array<string>(depth).fill('*').join('.');
    if (identifier) return prefix ? `${prefix}.${key}` : key;
    return `${prefix}["${key}"]`;
  });
}

/** Beacon's defaults plus the user's paths (pino syntax), without duplicates. */
export function redactPaths(extra: readonly string[]): string[] {
  return [...new Set([...SECRET_KEYS.flatMap(pathsFor), ...extra])];
}
