/**
 * The config's shape, held together: every field the schema checks has a default and every
 * default a check (the types are tied to both at compile time, src/config/shape.ts); the
 * tracing exporter target nested as `tracing.otlp`, its old flat keys still read for one
 * release with one warning; the kill switch, decided by env.ts alone.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BeaconConfigError, defineConfig, resolveConfig, type BeaconConfig } from '../../src/index.js';
import type { Check } from '../../src/config/checks.js';
import { defaultConfig } from '../../src/config/defaults.js';
import { configSchema, otlpTarget } from '../../src/config/schema.js';

type SchemaNode = Check<unknown> & { shape?: Record<string, SchemaNode> };

/** Fields of the schema: object keys, nested; a field checked by anything else is a leaf. */
function schemaFields(check: SchemaNode, path = ''): string[] {
  if (!check.shape) return [path];
  return Object.entries(check.shape).flatMap(([key, child]) => schemaFields(child, path ? `${path}.${key}` : key));
}

function defaultFields(value: unknown, path = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || Object.keys(value).length === 0) return [path];
  return Object.entries(value).flatMap(([key, child]) => defaultFields(child, path ? `${path}.${key}` : key));
}

test('every field the schema checks has a default, and every default is checked', () => {
  const deprecated = Object.keys(otlpTarget.shape).map((key) => `tracing.${key}`);
  const checked = schemaFields(configSchema).filter((field) => !deprecated.includes(field));
  const defaults = defaultFields(defaultConfig());
  // A leaf on one side may be an object on the other (the sampler, records such as headers).
  const covered = (field: string, others: string[]) => others.some((other) => other === field || other.startsWith(`${field}.`) || field.startsWith(`${other}.`));
  assert.deepEqual(checked.filter((field) => !covered(field, defaults)), [], 'checked fields without a default');
  assert.deepEqual(defaults.filter((field) => !covered(field, checked)), [], 'defaults that are not checked');
  assert.ok(checked.includes('tracing.otlp.endpoint') && defaults.includes('tracing.otlp.endpoint'));
});

test('tracing.otlp is merged key by key over the defaults and the environment', () => {
  const { config, sources, warnings } = resolveConfig(
    { tracing: { otlp: { headers: { authorization: 'Bearer x' }, timeoutMs: 2000 } } },
    { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' },
  );
  assert.deepEqual(config.tracing.otlp, {
    endpoint: 'http://collector:4318/v1/traces',
    headers: { authorization: 'Bearer x' },
    protocol: 'http/protobuf',
    timeoutMs: 2000,
  });
  assert.equal(sources.get('tracing.otlp.endpoint'), 'env:OTEL_EXPORTER_OTLP_ENDPOINT');
  assert.equal(sources.get('tracing.otlp.timeoutMs'), 'config');
  assert.equal(sources.get('tracing.otlp.protocol'), 'default');
  assert.deepEqual(warnings, []);
});

test('OTEL_EXPORTER_OTLP_TRACES_TIMEOUT sets tracing.otlp.timeoutMs', () => {
  const { config, sources } = resolveConfig({}, { OTEL_EXPORTER_OTLP_TIMEOUT: '3000', OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '4000' });
  assert.equal(config.tracing.otlp.timeoutMs, 4000);
  assert.equal(config.logging.otlp.timeoutMs, 3000);
  assert.equal(sources.get('tracing.otlp.timeoutMs'), 'env:OTEL_EXPORTER_OTLP_TRACES_TIMEOUT');
});

test('the deprecated flat tracing keys are mapped onto tracing.otlp with one warning naming old and new', () => {
  const { config, sources, warnings } = resolveConfig({
    tracing: { endpoint: 'https://old.example/v1/traces', headers: { 'x-key': 'k' }, protocol: 'http/json', timeoutMs: 1500 },
  });
  assert.deepEqual(config.tracing.otlp, { endpoint: 'https://old.example/v1/traces', headers: { 'x-key': 'k' }, protocol: 'http/json', timeoutMs: 1500 });
  assert.equal(sources.get('tracing.otlp.endpoint'), 'config');
  assert.ok(![...sources.keys()].some((path) => /^tracing\.(endpoint|headers|protocol|timeoutMs)/.test(path)));
  assert.equal('endpoint' in config.tracing, false);
  assert.equal(warnings.length, 1, warnings.join('\n'));
  for (const key of ['endpoint', 'headers', 'protocol', 'timeoutMs']) {
    assert.ok(warnings[0]!.includes(`tracing.${key} → tracing.otlp.${key}`), warnings[0]);
  }
  assert.match(warnings[0]!, /deprecated/);
});

test('when both the old and the new key are given, the new one wins and the warning says so', () => {
  const { config, warnings } = resolveConfig({
    tracing: { endpoint: 'https://old.example/v1/traces', timeoutMs: 1500, otlp: { endpoint: 'https://new.example/v1/traces' } },
  });
  assert.equal(config.tracing.otlp.endpoint, 'https://new.example/v1/traces');
  assert.equal(config.tracing.otlp.timeoutMs, 1500);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /tracing\.endpoint → tracing\.otlp\.endpoint, tracing\.timeoutMs → tracing\.otlp\.timeoutMs; tracing\.otlp\.endpoint given too and used/);
});

test('a bad value under a deprecated key is an error naming the key as written', () => {
  assert.throws(() => resolveConfig({ tracing: { endpoint: 'localhost:4318' } }), (error: BeaconConfigError) => {
    assert.equal(error.field, 'tracing.endpoint');
    assert.match(error.message, /^tracing\.endpoint: expected an http:\/\/ or https:\/\/ URL/);
    return true;
  });
});

test('the new key alone warns about nothing', () => {
  assert.deepEqual(resolveConfig({ tracing: { otlp: { endpoint: 'https://new.example/v1/traces' } } }).warnings, []);
});

test('sampler maxPerSecond: null, as documented, compiles and means no cap', () => {
  const options = defineConfig({ tracing: { sampler: { ratio: 0.5, maxPerSecond: null } } }) satisfies BeaconConfig;
  assert.equal(resolveConfig(options).config.tracing.sampler.maxPerSecond, null);
});

test('the kill switch: OTEL_SDK_DISABLED=true beats enabled: true; false leaves enabled to the code', () => {
  const off = resolveConfig({ enabled: true }, { OTEL_SDK_DISABLED: ' true ' });
  assert.equal(off.config.enabled, false);
  assert.equal(off.sources.get('enabled'), 'env:OTEL_SDK_DISABLED');
  const codeOff = resolveConfig({ enabled: false }, { OTEL_SDK_DISABLED: 'false' });
  assert.equal(codeOff.config.enabled, false);
  assert.equal(codeOff.sources.get('enabled'), 'config');
  const envFalse = resolveConfig({}, { OTEL_SDK_DISABLED: 'FALSE' });
  assert.equal(envFalse.config.enabled, true);
  assert.deepEqual(envFalse.warnings, []);
});
