import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { type BeaconConfig, resolveConfig } from '../../src/index.js';
import { INSTRUMENTATION_CATALOG } from '../../src/config/instrumentation-catalog.js';
import { createInstrumentations } from '../../src/instrumentations/load.js';
import { planInstrumentations } from '../../src/instrumentations/plan.js';
import { defaultSecrets, secretMatcher } from '../../src/secrets.js';
import { repoRoot } from '../helpers/app.js';

// Resolved the way the loader resolves them: as Beacon's own dependencies.
const requireInstrumentation = createRequire(import.meta.url);

test('every catalog entry is a dependency of the package, pinned, and nothing else is', () => {
  const { dependencies } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const declared = Object.keys(dependencies).filter((name) => /^@opentelemetry\/instrumentation-/.test(name));
  assert.deepEqual(declared.sort(), [...INSTRUMENTATION_CATALOG.values()].map((entry) => entry.package).sort());
  for (const name of declared) assert.match(dependencies[name]!, /^\d+\.\d+\.\d+$/, `${name} is pinned like the other OpenTelemetry packages`);
});

test('every catalog entry names an installed package and the class it exports', () => {
  for (const [name, entry] of INSTRUMENTATION_CATALOG) {
    const module = requireInstrumentation(entry.package) as Record<string, unknown>;
    assert.equal(typeof module[entry.className], 'function', `${name}: ${entry.package} has no export ${entry.className}`);
  }
});

test('mysql2 statements are masked by default; an explicit option still wins', (t) => {
  // An app directory where mysql2 "is installed", so that its instrumentation is built.
  const appDir = mkdtempSync(join(tmpdir(), 'beacon-app-'));
  mkdirSync(join(appDir, 'node_modules', 'mysql2'), { recursive: true });
  writeFileSync(join(appDir, 'node_modules', 'mysql2', 'package.json'), '{"name":"mysql2","version":"3.0.0"}');
  const maskStatement = (options: BeaconConfig) => {
    const plan = createInstrumentations(resolveConfig(options).config, [appDir], defaultSecrets);
    t.after(() => plan.instrumentations.forEach((instrumentation) => instrumentation.disable()));
    const mysql2 = plan.instrumentations.find((instrumentation) => instrumentation.instrumentationName.endsWith('mysql2'));
    assert.ok(mysql2, `mysql2 not applied: ${JSON.stringify(plan.skipped.find((skip) => skip.name === 'mysql2'))}`);
    return (mysql2.getConfig() as { maskStatement?: boolean }).maskStatement;
  };
  assert.equal(maskStatement({}), true);
  assert.equal(maskStatement({ instrumentations: { mysql2: { maskStatement: false } } }), false);
});

test('express gets Beacon\'s layer path; ignoreLayers from the config reach the instrumentation as given', (t) => {
  const express = (options: BeaconConfig) => {
    const plan = createInstrumentations(resolveConfig(options).config, [repoRoot], defaultSecrets);
    t.after(() => plan.instrumentations.forEach((instrumentation) => instrumentation.disable()));
    return plan.instrumentations.find((instrumentation) => instrumentation.instrumentationName.endsWith('express')) as Instrumentation & { _applyPatch: unknown };
  };
  const plain = express({});
  assert.equal(typeof plain._applyPatch, 'function');
  assert.notEqual(plain._applyPatch, Object.getPrototypeOf(plain)._applyPatch, 'the layers are patched by src/instrumentations/express-layers.ts');
  assert.equal((plain.getConfig() as { ignoreLayers?: unknown[] }).ignoreLayers, undefined);
  assert.deepEqual((express({ instrumentations: { express: { ignoreLayers: ['query'] } } }).getConfig() as { ignoreLayers?: unknown[] }).ignoreLayers, ['query']);
});

test('disabled and off-by-default instrumentations are skipped with their reason', () => {
  const plan = createInstrumentations(resolveConfig({ instrumentations: { http: false } }).config, [process.cwd()], defaultSecrets);
  assert.ok(!plan.applied.includes('http'));
  assert.deepEqual(plan.skipped.find((skip) => skip.name === 'http'), { name: 'http', reason: 'disabled in config' });
  assert.deepEqual(plan.skipped.find((skip) => skip.name === 'fs'), { name: 'fs', reason: 'off by default' });
  assert.ok(plan.applied.includes('express'), 'express is installed in this repo');
  for (const instrumentation of plan.instrumentations) instrumentation.disable();
});

test('router is left out where express applies (express 5 routes through it), unless the config turns it on', () => {
  const plan = (instrumentations: BeaconConfig['instrumentations']) => planInstrumentations(resolveConfig({ instrumentations }).config, [repoRoot]);
  const byDefault = plan({});
  assert.ok(byDefault.apply.some(({ name }) => name === 'express'), 'express is installed in this repo');
  assert.ok(!byDefault.apply.some(({ name }) => name === 'router'));
  assert.deepEqual(byDefault.skipped.find((skip) => skip.name === 'router'), { name: 'router', reason: 'covered by express (turn it on in the config to trace both)' });
  assert.ok(plan({ router: true }).apply.some(({ name }) => name === 'router'), 'an explicit router: true wins');
  assert.ok(plan({ express: false }).apply.some(({ name }) => name === 'router'), 'without express, router traces the router package');
});

test('header capture never takes secret headers, in the http and undici option shapes', (t) => {
  const plan = createInstrumentations(resolveConfig({
    privacy: { secretKeys: ['x-tenant'] },
    instrumentations: {
      http: { headersToSpanAttributes: { server: { requestHeaders: ['Authorization', 'user-agent', 'Cookie', 'X-Tenant'] }, client: { responseHeaders: ['set-cookie', 'content-type'] } } },
      undici: { headersToSpanAttributes: { requestHeaders: ['x-api-key', 'accept'], responseHeaders: ['Set-Cookie'] } },
    },
  }).config, [process.cwd()], secretMatcher(['x-tenant']));
  t.after(() => plan.instrumentations.forEach((instrumentation) => instrumentation.disable()));
  const captured = (suffix: string) =>
    (plan.instrumentations.find((instrumentation) => instrumentation.instrumentationName.endsWith(suffix))!.getConfig() as { headersToSpanAttributes: unknown }).headersToSpanAttributes;
  assert.deepEqual(captured('-http'), { server: { requestHeaders: ['user-agent'] }, client: { responseHeaders: ['content-type'] } });
  assert.deepEqual(captured('-undici'), { requestHeaders: ['accept'], responseHeaders: [] });
});
