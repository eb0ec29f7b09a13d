/**
 * What a secret is, in one place: the names of fields, headers and query parameters whose
 * values never leave the process, and the forms secrets take inside free text (URL
 * userinfo, `token=…` pairs), and the config fields that hold secrets. Log redaction, span
 * attributes, Beacon's own diagnostics and the debug dump all ask here, so that one list
 * (extended by `privacy.secretKeys`) rules them all.
 *
 * Names are compared case-insensitively with `-`, `_`, `.` and spaces removed, so that
 * `Password`, `db_password`, `private-key` and `X-Api-Key` are one family each.
 */

/** A name containing one of these is a secret (`db_password`, `clientSecret`, `x-api-key`). */
const SECRET_WORDS = [
  'password', 'passwd', 'passphrase', 'secret', 'credential', 'privatekey', 'apikey', 'accesskey',
  'authorization', 'cookie', 'jwt', 'signature',
];
/** A name ending in these is a secret (`access_token`, `refreshToken`), but not `max_tokens`. */
const SECRET_ENDINGS = ['token'];
/** These names, whole, are secrets in any field. */
const SECRET_NAMES = ['auth', 'pwd', 'sid', 'sessionid'];
/** Short query-parameter names that carry secrets in URLs (`?code=` of OAuth, `?sig=`, `?key=`). */
const SECRET_PARAMS = ['key', 'code', 'sig', 'session', 'state', 'ticket', 'otp'];

/** Config objects whose every value is a secret, whatever its key (`tracing.headers.x-tenant`, `metrics.prometheus.auth.username`). */
const SECRET_CONFIG_OBJECTS = new Set(['headers', 'auth']);
/** Config fields that hold the names of secrets, not secrets. */
const SECRET_NAME_FIELDS = new Set(['privacy.secretKeys']);

/** The word Beacon writes in place of a secret in URLs and span attributes (upstream's own). */
export const REDACTED = 'REDACTED';

export interface SecretMatcher {
  /** A field, header or attribute name whose value is a secret. */
  isSecretField(name: string): boolean;
  /** A query-parameter name whose value is a secret (the fields' names and a few short ones). */
  isSecretParam(name: string): boolean;
  /** One URL with its userinfo and secret query values replaced; other text as it was. */
  redactUrl(url: string): string;
  /** A query string (`a=1&token=x`, with or without its `?`) with secret values replaced. */
  redactQuery(query: string): string;
  /** Free text (a message, an error) with every URL's userinfo and secret query values, and `name=value` secrets, replaced. */
  redactText(text: string): string;
  /** A config field (dotted path, `metrics.otlp.headers.x-api-key`) whose value is a secret. */
  isSecretConfigPath(path: string): boolean;
}

const normalise = (name: string) => name.toLowerCase().replace(/[-_.\s]/g, '');

/** Names are looked up once; log lines repeat the same few keys millions of times. */
const MAX_CACHED_NAMES = 10_000;
/** Query-parameter names come from clients: longer ones are judged each time, never kept. */
const MAX_CACHED_NAME_LENGTH = 128;

/** `test` behind a bounded cache: a name is judged once, then it costs one Map lookup. */
function cached(test: (name: string) => boolean): (name: string) => boolean {
  const seen = new Map<string, boolean>();
  return (name) => {
    let result = seen.get(name);
    if (result === undefined) {
      result = test(name);
      if (name.length > MAX_CACHED_NAME_LENGTH) return result;
      if (seen.size >= MAX_CACHED_NAMES) seen.clear();
      seen.set(name, result);
    }
    return result;
  };
}

/** A query-parameter name as written in a URL (`api%5Fkey`, `user+token`), decoded. */
function decodeParamName(raw: string): string {
  if (!raw.includes('%') && !raw.includes('+')) return raw;
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw; // a malformed escape: judge the raw name
  }
}

/** @param extraKeys more names (any case, any separators) treated as secrets wherever they appear within a name */
export function secretMatcher(extraKeys: readonly string[] = []): SecretMatcher {
  const words = [...SECRET_WORDS, ...extraKeys.map(normalise).filter(Boolean)];
  const fieldPattern = new RegExp(`${words.join('|')}|(?:${SECRET_ENDINGS.join('|')})$|^(?:${SECRET_NAMES.join('|')})$`);
  const paramPattern = new RegExp(`^(?:${SECRET_PARAMS.join('|')})$`);
  const isSecretField = cached((name) => fieldPattern.test(normalise(name)));
  const isSecretParam = cached((name) => isSecretField(name) || paramPattern.test(normalise(name)));
  // Keyed by the name as written in the URL: spans repeat the same few parameters.
  const isSecretRawParam = cached((raw) => isSecretParam(decodeParamName(raw)));

  /** A scan with indexOf, not a regex: spans with a query string pay for this on every request. */
  const redactQuery = (query: string): string => {
    const hash = query.indexOf('#');
    const end = hash === -1 ? query.length : hash;
    let result = '';
    let copied = 0;
    for (let start = query.startsWith('?') ? 1 : 0; start < end; ) {
      const amp = query.indexOf('&', start);
      const pairEnd = amp === -1 || amp > end ? end : amp;
      const eq = query.indexOf('=', start);
      if (eq !== -1 && eq < pairEnd - 1 && eq > start && isSecretRawParam(query.slice(start, eq)) && query.slice(eq + 1, pairEnd) !== REDACTED) {
        result += `${query.slice(copied, eq + 1)}${REDACTED}`;
        copied = pairEnd;
      }
      start = pairEnd + 1;
    }
    return copied === 0 ? query : result + query.slice(copied);
  };

  const redactUrl = (url: string): string => {
    const withoutUserinfo = url.includes('@') ? url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#\s@]*@/i, `$1${REDACTED}@`) : url;
    const queryStart = withoutUserinfo.indexOf('?');
    if (queryStart === -1) return withoutUserinfo;
    const hashStart = withoutUserinfo.indexOf('#', queryStart);
    const end = hashStart === -1 ? withoutUserinfo.length : hashStart;
    return withoutUserinfo.slice(0, queryStart + 1) + redactQuery(withoutUserinfo.slice(queryStart + 1, end)) + withoutUserinfo.slice(end);
  };

  /** `password=hunter2`, `"token": "abc"`, `Authorization: Bearer abc` in messages and errors. */
  const redactPairs = (text: string): string => {
    // Starts a match only where a name can start (the lookbehind): without it a long run of
    // name characters is rescanned from each of its positions (quadratic), and this runs on log messages.
    const pair = /(?<![\w.-])([A-Za-z][\w.-]*)(["']?\s*[:=]\s*["']?)((?:bearer|basic)\s+)?([^\s"',;&})\]]+)/gi;
    let result = '';
    let copied = 0;
    for (let match = pair.exec(text); match; match = pair.exec(text)) {
      const [whole, name = '', separator = '', scheme = '', value = ''] = match;
      if (!isSecretField(name) || value === REDACTED || /^\w+:\/\//.test(value)) {
        // Not a secret: look again right after the name (`failed: password=…` holds one).
        pair.lastIndex = match.index + name.length;
        continue;
      }
      result += text.slice(copied, match.index) + name + separator + scheme + REDACTED;
      copied = match.index + whole.length;
    }
    return copied === 0 ? text : result + text.slice(copied);
  };

  // Runs on every log message, which seldom holds either: a URL needs `://`, a pair `:` or `=`,
  // and a native scan for them is far cheaper than the regexes.
  const redactText = (text: string): string => {
    const urlsRedacted = text.includes('://') ? text.replace(/(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, redactUrl) : text;
    return urlsRedacted.includes(':') || urlsRedacted.includes('=') ? redactPairs(urlsRedacted) : urlsRedacted;
  };

  const isSecretConfigPath = (path: string): boolean => {
    if (SECRET_NAME_FIELDS.has(path)) return false;
    const keys = path.split('.');
    return keys.slice(0, -1).some((key) => SECRET_CONFIG_OBJECTS.has(key)) || isSecretField(keys.at(-1)!);
  };

  return { isSecretField, isSecretParam, redactUrl, redactQuery, redactText, isSecretConfigPath };
}

/** The default list, for code that runs before or without a config (Beacon's own diagnostics). */
export const defaultSecrets: SecretMatcher = secretMatcher();
