/**
 * The OTEL_* surface: every variable of the SDK environment specification Beacon knows is
 * honoured (by Beacon, or by the upstream exporter code it runs) or said once when set, and
 * the README's table lists each with its status, from the code's lists.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveConfig } from '../../src/config/resolve.js';
import { ENV_VARS } from '../../src/config/env.js';
import { UNSUPPORTED_ENV_VARS, UPSTREAM_ENV_VARS } from '../../src/config/env-unsupported.js';
import { repoRoot } from '../helpers/app.js';

test('per-signal timeouts: metrics and logs like traces, each beating the general one', () => {
  const { config, sources, warnings } = resolveConfig({}, { OTEL_EXPORTER_OTLP_TIMEOUT: '7000', OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: '3000', OTEL_EXPORTER_OTLP_LOGS_TIMEOUT: '2000' });
  assert.deepEqual(warnings, []);
  assert.deepEqual([config.tracing.otlp.timeoutMs, config.metrics.otlp.timeoutMs, config.logging.otlp.timeoutMs], [7000, 3000, 2000]);
  assert.equal(sources.get('logging.otlp.timeoutMs'), 'env:OTEL_EXPORTER_OTLP_LOGS_TIMEOUT');
});

test('OTEL_LOGS_EXPORTER: otlp adds the OTLP log output beside the console; none and console leave the console alone', () => {
  const outputs = (value: string) => resolveConfig({}, { OTEL_LOGS_EXPORTER: value }).config.logging.outputs.map(({ type }) => type);
  assert.deepEqual(outputs('otlp'), ['console', 'otlp']);
  assert.deepEqual(outputs('OTLP,console'), ['console', 'otlp']);
  assert.deepEqual(outputs('none'), ['console']);
  const { config, warnings } = resolveConfig({}, { OTEL_LOGS_EXPORTER: 'zipkin' });
  assert.deepEqual(config.logging.outputs.map(({ type }) => type), ['console']);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /^OTEL_LOGS_EXPORTER="zipkin" ignored/);
  // The config object still wins over the variable.
  assert.deepEqual(resolveConfig({ logging: { outputs: ['file'] } }, { OTEL_LOGS_EXPORTER: 'otlp' }).config.logging.outputs.map(({ type }) => type), ['file']);
});

test('a spec variable Beacon does not honour is said once, naming it and what to use instead', () => {
  for (const [name, why] of Object.entries(UNSUPPORTED_ENV_VARS)) {
    const { warnings } = resolveConfig({}, { [name]: '1' });
    assert.deepEqual(warnings, [`${name} is not supported and was ignored: ${why}`]);
  }
  assert.deepEqual(resolveConfig({}, { OTEL_BSP_EXPORT_TIMEOUT: '' }).warnings, [], 'an empty value is no setting');
});

test('the lists do not overlap: a variable is honoured, left to upstream, or unsupported', () => {
  const names = [...ENV_VARS, ...Object.keys(UPSTREAM_ENV_VARS), ...Object.keys(UNSUPPORTED_ENV_VARS)];
  assert.equal(new Set(names).size, names.length);
});

test("the README's environment table has one row per variable, with its status from the code", () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('### Environment variables'));
  const rows = new Map([...table.matchAll(/^\| `((?:OTEL|BEACON|NODE)_[A-Z0-9_]+)` \| ([^|]+) \|/gm)].map((match) => [match[1]!, match[2]!.trim()]));
  const expected = new Map<string, string>([
    ...ENV_VARS.map((name): [string, string] => [name, 'honoured']),
    ...Object.keys(UPSTREAM_ENV_VARS).map((name): [string, string] => [name, 'honoured (upstream)']),
    ...Object.keys(UNSUPPORTED_ENV_VARS).map((name): [string, string] => [name, 'not supported']),
  ]);
  assert.deepEqual([...rows.keys()].sort(), [...expected.keys()].sort());
  for (const [name, status] of expected) assert.equal(rows.get(name), status, name);
});
