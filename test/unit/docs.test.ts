/**
 * Keeps the docs honest: every error code has a row in docs/errors.md (and only they do), and
 * the README's config table has a row for every field the resolver fills in, lists every
 * allowed name of every field that takes names, and names every env var Beacon reads; the
 * README lists exactly the instrumentations Beacon's catalog has.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ErrorCodes, resolveConfig } from '../../src/index.js';
import type { Check } from '../../src/config/checks.js';
import { ENV_VARS } from '../../src/config/env.js';
import { INSTRUMENTATION_NAMES } from '../../src/config/instrumentation-catalog.js';
import { configSchema } from '../../src/config/schema.js';
import { repoRoot } from '../helpers/app.js';

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

function leafPaths(value: unknown, path = ''): string[] {
  // A built-in alert's setting is documented as one row: its default object.
  const isRecordField = /(^|\.)(attributes|headers|views|instrumentations)$|^alerts\.(?!rules$)\w+$/.test(path);
  if (value === null || typeof value !== 'object' || Array.isArray(value) || isRecordField || Object.keys(value).length === 0) return [path];
  return Object.entries(value).flatMap(([key, child]) => leafPaths(child, path ? `${path}.${key}` : key));
}

test('docs/errors.md has one row per error code, and no row for a code that does not exist', () => {
  const rows = [...read('docs/errors.md').matchAll(/^\| `(BEACON_[A-Z_]+)` \|/gm)].map((match) => match[1]!);
  assert.deepEqual([...rows].sort(), Object.values(ErrorCodes).sort());
});

const readmeRows = () => new Map([...read('README.md').matchAll(/^\| `([a-zA-Z.]+)` \|(.*)$/gm)].map((match) => [match[1]!, match[2]!]));

test('the README config table has one row per config field', () => {
  const rows = new Set(readmeRows().keys());
  const fields = leafPaths(resolveConfig({}, {}).config);
  const missing = fields.filter((field) => !rows.has(field));
  assert.deepEqual(missing, [], `fields without a README row: ${missing.join(', ')}`);
  const stale = [...rows].filter((row) => !fields.includes(row!) && !fields.some((field) => field.startsWith(`${row}.`)));
  assert.deepEqual(stale, [], `README rows for fields that do not exist: ${stale.join(', ')}`);
});

type SchemaNode = Check<unknown> & { shape?: Record<string, SchemaNode>; item?: SchemaNode; allowed?: readonly unknown[] };

/** Field path → allowed names, for every field (or array of) checked by `oneOf`. */
function namedFields(check: SchemaNode, path = ''): [string, readonly unknown[]][] {
  if (check.allowed) return [[path, check.allowed]];
  if (check.item) return namedFields(check.item, path);
  return Object.entries(check.shape ?? {}).flatMap(([key, child]) => namedFields(child, path ? `${path}.${key}` : key));
}

test('the README config table lists every allowed name of every field that takes names', () => {
  const rows = readmeRows();
  const fields = new Set(leafPaths(resolveConfig({}, {}).config));
  // Deprecated keys are no resolved field and have no row of their own.
  const named = namedFields(configSchema).filter(([field]) => fields.has(field));
  assert.ok(named.length >= 10, `only ${named.length} named fields found`);
  for (const [field, allowed] of named) {
    const missing = allowed.filter((name) => !rows.get(field)?.includes(name === null ? 'null' : `'${String(name)}'`));
    assert.deepEqual(missing, [], `README row of ${field} does not list ${missing.join(', ')}`);
  }
});

test('the README names every env var Beacon reads', () => {
  // `OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT` stands for both names.
  const readme = read('README.md').replace(/`([A-Z_]+)\(([A-Z]+_)\)([A-Z_]+)`/g, '`$1$3` `$1$2$3`');
  const missing = ENV_VARS.filter((name) => !readme.includes(`\`${name}\``) && !readme.includes(`\`${name}=`));
  assert.deepEqual(missing, [], `env vars missing from the README: ${missing.join(', ')}`);
});

test('the README lists the instrumentation catalog, name for name', () => {
  const list = /<!-- instrumentations:[^>]*-->([\s\S]*?)<!-- end of instrumentations -->/.exec(read('README.md'))?.[1];
  assert.ok(list, 'no instrumentation list between the markers in the README');
  assert.deepEqual([...list.matchAll(/`([^`]+)`/g)].map((match) => match[1]), [...INSTRUMENTATION_NAMES]);
});
