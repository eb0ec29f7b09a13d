/**
 * Small composable run-time checks. Each check takes an unknown value and its field path,
 * returns the (possibly normalised) value, or throws one BeaconConfigError that names the
 * path, says what is allowed and shows what was received.
 */
import { BeaconConfigError, ErrorCodes } from '../errors.js';

export type Check<T> = (value: unknown, path: string) => T;

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `an array (${JSON.stringify(value).slice(0, 60)})`;
  try {
    return `an object (${JSON.stringify(value).slice(0, 60)})`;
  } catch {
    return 'an object';
  }
}

export function fail(path: string, expected: string, value: unknown): never {
  throw new BeaconConfigError(ErrorCodes.INVALID_VALUE, path, `expected ${expected}, got ${describe(value)}`);
}

export const bool: Check<boolean> = (value, path) =>
  typeof value === 'boolean' ? value : fail(path, 'true or false', value);

export function str(options: { nonEmpty?: boolean; pattern?: RegExp; what?: string } = {}): Check<string> {
  const what = options.what ?? (options.nonEmpty ? 'a non-empty string' : 'a string');
  return (value, path) => {
    if (typeof value !== 'string') return fail(path, what, value);
    if (options.nonEmpty && value.trim() === '') return fail(path, what, value);
    if (options.pattern && !options.pattern.test(value)) return fail(path, what, value);
    return value;
  };
}

/** An http:// or https:// URL. */
export const httpUrl: Check<string> = (value, path) => {
  if (typeof value === 'string') {
    try {
      const url = new URL(value);
      if (url.protocol === 'http:' || url.protocol === 'https:') return value;
    } catch {
      // fall through to the error below
    }
  }
  return fail(path, 'an http:// or https:// URL', value);
};

export function num(options: { min?: number; max?: number; integer?: boolean; what?: string } = {}): Check<number> {
  const { min = -Infinity, max = Infinity, integer = false } = options;
  const what =
    options.what ??
    `${integer ? 'an integer' : 'a number'}${min > -Infinity ? ` >= ${min}` : ''}${max < Infinity ? ` and <= ${max}` : ''}`;
  return (value, path) => {
    if (typeof value !== 'number' || Number.isNaN(value)) return fail(path, what, value);
    if (value < min || value > max || (integer && !Number.isInteger(value))) return fail(path, what, value);
    return value;
  };
}

export function isOneOf<const T extends readonly unknown[]>(allowed: T, value: unknown): value is T[number] {
  return allowed.includes(value);
}

/**
 * Carries its list, for the README check (test/docs.test.ts). With `anyCase`, a name written
 * in upper or mixed case (`'INFO'`, as level names often are) is taken as the lower-case name
 * in the list.
 */
export function oneOf<const T extends readonly (string | number | boolean | null)[]>(
  allowed: T,
  options: { anyCase?: boolean } = {},
): Check<T[number]> & { allowed: T } {
  const list = allowed.map((a) => (typeof a === 'string' ? `'${a}'` : String(a))).join(' | ');
  const check: Check<T[number]> = (value, path) => {
    const name = options.anyCase && typeof value === 'string' ? value.toLowerCase() : value;
    return isOneOf(allowed, name) ? name : fail(path, `one of ${list}`, value);
  };
  return Object.assign(check, { allowed });
}

export function nullable<T>(check: Check<T>): Check<T | null> {
  return (value, path) => (value === null ? null : check(value, path));
}

/** Carries its item check, for the README check (test/docs.test.ts). */
export function arrayOf<T>(item: Check<T>, options: { unique?: boolean } = {}): Check<T[]> & { item: Check<T> } {
  const check: Check<T[]> = (value, path) => {
    if (!Array.isArray(value)) return fail(path, 'an array', value);
    const result = value.map((element, index) => item(element, `${path}[${index}]`));
    if (options.unique) {
      const seen = new Set<unknown>();
      result.forEach((element, index) => {
        if (seen.has(element)) fail(`${path}[${index}]`, 'no duplicates', element);
        seen.add(element);
      });
    }
    return result;
  };
  return Object.assign(check, { item });
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A record with free-form keys (headers, attributes). */
export function recordOf<T>(item: Check<T>): Check<Record<string, T>> {
  return (value, path) => {
    if (!isPlainObject(value)) return fail(path, 'an object', value);
    const result: Record<string, T> = {};
    for (const [key, element] of Object.entries(value)) result[key] = item(element, `${path}.${key}`);
    return result;
  };
}

type Shape = Record<string, Check<unknown>>;
type ShapeResult<S extends Shape> = { [K in keyof S]?: ReturnType<S[K]> };

/** An object with known keys; unknown keys are rejected with a "did you mean" hint. */
export function obj<S extends Shape>(shape: S): Check<ShapeResult<S>> & { shape: S } {
  const known = Object.keys(shape);
  const check = (value: unknown, path: string): ShapeResult<S> => {
    if (!isPlainObject(value)) return fail(path || 'config', 'an object', value);
    const result: Record<string, unknown> = {};
    for (const [key, element] of Object.entries(value)) {
      const fieldPath = path ? `${path}.${key}` : key;
      const fieldCheck = shape[key];
      if (!fieldCheck) throw unknownKey(fieldPath, key, known);
      if (element === undefined) continue;
      result[key] = fieldCheck(element, fieldPath);
    }
    return result as ShapeResult<S>;
  };
  return Object.assign(check, { shape });
}

export function unknownKey(path: string, key: string, known: readonly string[]): BeaconConfigError {
  const suggestion = closest(key, known);
  const hint = suggestion ? ` Did you mean '${suggestion}'?` : '';
  return new BeaconConfigError(
    ErrorCodes.UNKNOWN_KEY,
    path,
    `unknown key '${key}'.${hint} Allowed: ${known.join(', ')}`,
  );
}

/** The candidate nearest to `word` by edit distance, if near enough to be a likely typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const prefixMatch = candidates.find((candidate) => lower.length >= 3 && candidate.toLowerCase().startsWith(lower));
  if (prefixMatch) return prefixMatch;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length]!;
}
