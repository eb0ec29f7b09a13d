/**
 * `http.request.method` as the HTTP semantic conventions (and upstream's http instrumentation)
 * write it: a known method in upper case, anything else `_OTHER`, so that a client cannot
 * make up new series or attribute values.
 */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'QUERY']);

export function normalizedMethod(method: string | undefined): string {
  if (method === undefined) return 'GET';
  if (KNOWN_METHODS.has(method)) return method; // as clients send it: no upper-cased copy
  const upper = method.toUpperCase();
  return KNOWN_METHODS.has(upper) ? upper : '_OTHER';
}
