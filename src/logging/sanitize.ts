/**
 * What a line may carry, decided in one walk over the logged object before it is
 * serialised, so that every output (console, file, OTLP) gets the same line:
 * - values of secret keys (src/secrets.ts, with `privacy.secretKeys`) at any depth, in any
 *   case, become `[Redacted]`; URL credentials and `password=…` pairs in messages, error
 *   messages and stacks are masked (`REDACTED`), and so is any URL's userinfo in any string;
 * - no string is longer than `logging.maxStringLength` (cut, with a marker saying how much);
 * - top-level keys that would override Beacon's fields are moved aside (reserved.ts);
 * - cycles become `[Circular]`, nesting beyond MAX_DEPTH becomes `[Too deep]`, so nothing
 *   below the walk's reach is written unchecked.
 * Plain objects and arrays are walked; class instances (errors, requests) are left to their
 * serializers, whose output comes back here through `value()`. pino's own redact (slower,
 * path-exact) is used only for the user's `logging.redact` paths.
 */
import type { SecretMatcher } from '../secrets.js';
import { type ReservedRule, asideKey } from './reserved.js';

export const CENSOR = '[Redacted]';
const CIRCULAR = '[Circular]';
const TOO_DEEP = '[Too deep]';

/** Levels of nesting walked: `http.request.headers.authorization` is 4; deeper objects become TOO_DEEP. */
export const MAX_DEPTH = 10;

/** Keys whose string values are free text, searched for `password=…` pairs (URL userinfo is searched in every string). */
const TEXT_KEYS = new Set(['msg', 'message', 'stack', 'stack_trace']);

/** Room kept for the marker: `…[truncated 9007199254740991 chars]` is 37 characters. */
const MARKER_ROOM = 40;
/** Text beyond the limit is redacted this far before being cut, so a secret that straddles the cut is still found. */
const REDACT_MARGIN = 1024;

export interface SanitizeOptions {
  secrets: SecretMatcher;
  /** Longest string written, in UTF-16 code units, marker included. */
  maxStringLength: number;
}

export interface Sanitizer {
  /** A logged object's top level: reserved keys moved aside per `rule`, then everything else. */
  top(object: Record<string, unknown>, rule: (key: string) => ReservedRule | undefined): Record<string, unknown>;
  /** A value written as it is (a serializer's output): secrets, text and length, no reserved keys. */
  value<T>(value: T): T;
  /** A message: credentials and secret pairs masked, length limited. */
  text(text: string): string;
}

const isPlainObject = (value: object): boolean => {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
};

export function sanitizer({ secrets, maxStringLength: limit }: SanitizeOptions): Sanitizer {
  /** `text` cut to the limit, ending with the marker; `cutBefore` characters were already dropped from its end. */
  const truncate = (text: string, cutBefore = 0): string => {
    if (cutBefore === 0 && text.length <= limit) return text;
    let keep = Math.min(text.length, limit - MARKER_ROOM);
    // Never split a surrogate pair: half of one is not text.
    const last = text.charCodeAt(keep - 1);
    if (last >= 0xd800 && last <= 0xdbff) keep--;
    return `${text.slice(0, keep)}…[truncated ${text.length - keep + cutBefore} chars]`;
  };

  const text = (value: string): string => {
    const head = value.length > limit + REDACT_MARGIN ? value.slice(0, limit + REDACT_MARGIN) : value;
    return truncate(secrets.redactText(head), value.length - head.length);
  };

  // Most strings are short and hold no URL: one native scan and a length check.
  const string = (key: string | undefined, value: string): string =>
    (key !== undefined && TEXT_KEYS.has(key)) || value.includes('://') ? text(value) : truncate(value);

  /** `ancestors`: the objects above this one, made only once the walk goes below the top. */
  const walk = (key: string | undefined, value: unknown, depth: number, ancestors: object[]): unknown => {
    if (typeof value === 'string') return string(key, value);
    if (value === null || typeof value !== 'object') return value;
    if (!Array.isArray(value) && !isPlainObject(value)) return value;
    if (ancestors.includes(value)) return CIRCULAR;
    if (depth === 0) return TOO_DEEP;
    ancestors.push(value);
    const next = Array.isArray(value) ? walkArray(value, depth, ancestors) : walkObject(value as Record<string, unknown>, depth, ancestors);
    ancestors.pop();
    return next;
  };

  const walkArray = (array: unknown[], depth: number, ancestors: object[]): unknown[] => {
    let copy: unknown[] | undefined;
    for (let index = 0; index < array.length; index++) {
      const item = array[index];
      const next = walk(undefined, item, depth - 1, ancestors);
      if (next !== item) (copy ??= [...array])[index] = next;
    }
    return copy ?? array;
  };

  const walkObject = (record: Record<string, unknown>, depth: number, ancestors: object[]): Record<string, unknown> => {
    let copy: Record<string, unknown> | undefined;
    for (const key of Object.keys(record)) {
      const item = record[key];
      const next = secrets.isSecretField(key) ? CENSOR : walk(key, item, depth - 1, ancestors);
      if (next !== item) (copy ??= { ...record })[key] = next;
    }
    return copy ?? record;
  };

  /** `record` with `key` (whose cleaned value is `next`) moved to its aside name. */
  const moveAside = (record: Record<string, unknown>, source: Record<string, unknown>, key: string, next: unknown): void => {
    delete record[key];
    record[asideKey(key, (name) => Object.hasOwn(record, name) || Object.hasOwn(source, name))] = next;
  };

  const top = (object: Record<string, unknown>, rule: (key: string) => ReservedRule | undefined): Record<string, unknown> => {
    let copy: Record<string, unknown> | undefined;
    let ancestors: object[] | undefined;
    for (const key of Object.keys(object)) {
      const item = object[key];
      let next: unknown = item;
      if (secrets.isSecretField(key)) next = CENSOR;
      else if (typeof item === 'string') next = string(key, item);
      else if (item !== null && typeof item === 'object') next = walk(key, item, MAX_DEPTH - 1, (ancestors ??= [object]));
      const reserved = rule(key);
      if (reserved === undefined) {
        if (next !== item) (copy ??= { ...object })[key] = next;
        continue;
      }
      copy ??= { ...object };
      if (reserved === true || next === null || typeof next !== 'object' || Array.isArray(next)) {
        // A scalar where ECS has an object (`log: 'x'` beside `log.level`) collides too.
        moveAside(copy, object, key, next);
        continue;
      }
      // An ECS namespace object: only its members that Beacon writes move aside.
      let members: Record<string, unknown> | undefined;
      for (const member of Object.keys(next)) {
        if (!reserved.has(member)) continue;
        members ??= { ...(next as Record<string, unknown>) };
        moveAside(members, next as Record<string, unknown>, member, members[member]);
      }
      copy[key] = members ?? next;
    }
    return copy ?? object;
  };

  return { top, value: <T>(value: T): T => walk(undefined, value, MAX_DEPTH, []) as T, text };
}
