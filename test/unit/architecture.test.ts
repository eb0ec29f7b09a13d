/**
 * The floors of src/ (docs/architecture.md), checked so that the layout cannot silently rot:
 * a module imports only from its own unit or from units on lower floors; units on the same
 * floor never import each other (the three signals above all); there is no import cycle.
 */
import assert from 'node:assert/strict';
import { globSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../helpers/app.js';

/** Lowest first. A unit is a folder of src/ or a single file at its top. */
const FLOORS: readonly (readonly string[])[] = [
  ['errors', 'version', 'secrets', 'optional-packages', 'otel'],
  ['diagnostics'],
  ['export', 'http'],
  ['config'],
  ['signal-component', 'alerting'],
  ['tracing', 'metrics', 'logging', 'instrumentations'],
  ['decorators'],
  ['sdk'],
  ['start'],
  ['start-before-app'],
  ['index', 'node-sdk'],
  ['register', 'cli'],
];

const floorOf = new Map(FLOORS.flatMap((units, floor) => units.map((unit) => [unit, floor] as const)));
const sources = ['register.ts', 'register.cts', ...globSync('src/**/*.{ts,cts}', { cwd: repoRoot }).map((path) => path.replaceAll('\\', '/'))];

/** src/metrics/api/index.ts → metrics; src/errors.ts → errors; register.ts and register.cts (the entries) → register. */
function unitOf(path: string): string {
  const parts = path.split('/');
  return parts[parts.length === 1 ? 0 : 1]!.replace(/\.c?ts$/, '');
}

/** Relative imports (static, re-exports, dynamic), as paths from the repository root (x.js → x.ts, x.cjs → x.cts). */
function importsOf(path: string): string[] {
  const text = readFileSync(join(repoRoot, path), 'utf8');
  const specifiers = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^import\s+)'(\.[^']+)'/gm)].map((match) => match[1]!);
  return specifiers.map((specifier) => normalize(join(dirname(path), specifier)).replaceAll('\\', '/').replace(/\.(c?)js$/, '.$1ts'));
}

const graph = new Map(sources.map((path) => [path, importsOf(path)]));

test('every unit of src/ has a floor', () => {
  const unplaced = [...new Set(sources.map(unitOf))].filter((unit) => !floorOf.has(unit));
  assert.deepEqual(unplaced, [], 'add new folders to FLOORS here and to docs/architecture.md');
});

test('imports go to the same unit or down the floors, never across a floor', () => {
  const violations: string[] = [];
  for (const [from, targets] of graph) {
    for (const to of targets) {
      assert.ok(graph.has(to), `${from} imports ${to}, which does not exist`);
      const [a, b] = [unitOf(from), unitOf(to)];
      if (a === b) continue;
      const [floorA, floorB] = [floorOf.get(a)!, floorOf.get(b)!];
      if (floorB >= floorA) violations.push(`${from} → ${to} (${a} is on floor ${floorA}, ${b} on ${floorB})`);
    }
  }
  assert.deepEqual(violations, []);
});

test('src/ loads OpenTelemetry packages only through src/otel (type imports aside), so that one copy of each is loaded', () => {
  const direct = sources.filter((path) => !path.startsWith('src/otel/')).flatMap((path) => {
    const text = readFileSync(join(repoRoot, path), 'utf8');
    const statements = [...text.matchAll(/^(?:import|export)\s+(?!type\s)[^;]*?\bfrom\s+'(@opentelemetry\/[^']+)'/gms), ...text.matchAll(/(?<!typeof )\bimport\(\s*'(@opentelemetry\/[^']+)'/g)];
    return statements.map((match) => `${path}: ${match[1]}`);
  });
  assert.deepEqual(direct, []);
});

test('src/ has no import cycle', () => {
  const state = new Map<string, 'visiting' | 'done'>();
  const cycles: string[] = [];
  const visit = (path: string, trail: string[]) => {
    if (state.get(path) === 'done') return;
    if (state.get(path) === 'visiting') {
      cycles.push([...trail.slice(trail.indexOf(path)), path].join(' → '));
      return;
    }
    state.set(path, 'visiting');
    for (const next of graph.get(path) ?? []) visit(next, [...trail, path]);
    state.set(path, 'done');
  };
  for (const path of graph.keys()) visit(path, []);
  assert.deepEqual(cycles, []);
});

test('docs/architecture.md lists the same floors', () => {
  const doc = readFileSync(join(repoRoot, 'docs', 'architecture.md'), 'utf8');
  const rows = [...doc.matchAll(/^\| (\d+) \| (.+) \|$/gm)].map((match) => [...match[2]!.matchAll(/`([^`]+)`/g)].map((unit) => unit[1]!.replace(/\/$/, '').replace(/\.c?ts$/, '')));
  assert.deepEqual(rows.map((units) => [...new Set(units)]), FLOORS.map((units) => [...units]));
});
