/**
 * Keeps the docs honest: every error code is documented, and the README's config table has
 * a row for every field the resolver fills in.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ErrorCodes, resolveConfig } from '../../src/index.js';
import { repoRoot } from '../helpers/app.js';

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

function leafPaths(value: unknown, path = ''): string[] {
  const isRecordField = /(^|\.)(attributes|headers|views|instrumentations)$/.test(path);
  if (value === null || typeof value !== 'object' || Array.isArray(value) || isRecordField || Object.keys(value).length === 0) return [path];
  return Object.entries(value).flatMap(([key, child]) => leafPaths(child, path ? `${path}.${key}` : key));
}

test('every error code is documented in docs/errors.md', () => {
  const doc = read('docs/errors.md');
  for (const code of Object.values(ErrorCodes)) assert.ok(doc.includes(`\`${code}\``), `${code} is missing from docs/errors.md`);
});

test('the README config table has one row per config field', () => {
  const rows = new Set([...read('README.md').matchAll(/^\| `([a-zA-Z.]+)` \|/gm)].map((match) => match[1]));
  const fields = leafPaths(resolveConfig({}, {}).config);
  const missing = fields.filter((field) => !rows.has(field));
  assert.deepEqual(missing, [], `fields without a README row: ${missing.join(', ')}`);
  const stale = [...rows].filter((row) => !fields.includes(row!) && !fields.some((field) => field.startsWith(`${row}.`)));
  assert.deepEqual(stale, [], `README rows for fields that do not exist: ${stale.join(', ')}`);
});
