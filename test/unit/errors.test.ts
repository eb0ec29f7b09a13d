/**
 * One voice for errors: what the public functions throw for a programmer error carries a code
 * from src/errors.ts (docs.test.ts keeps docs/errors.md in step with the codes), and nothing
 * else in src/ throws, apart from rethrows and the few throws listed below with their reason.
 */
import assert from 'node:assert/strict';
import { globSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { metrics as otelMetrics } from '@opentelemetry/api';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import ts from 'typescript';
import { BeaconConfigError, BeaconError, ErrorCodes, Instrumented, instrument, metrics, metricsHandler, resolveConfig } from '../../src/index.js';
import { ipMatcher } from '../../src/http/cidr.js';
import { meterProviderChanged } from '../../src/metrics/api/binding.js';
import { addBeaconHistograms } from '../../src/metrics/api/histogram-producer.js';
import { PullReader } from '../../src/metrics/prometheus/pull-reader.js';
import { repoRoot } from '../helpers/app.js';

const { INVALID_VALUE, UNKNOWN_KEY, METRIC_KIND_CONFLICT, DECORATOR_TARGET } = ErrorCodes;

/** Throws that are not a coded Beacon error, by file and what they throw, with why they may stay. */
const ALLOWED_THROWS: Readonly<Record<string, string>> = {
  'src/config/load.ts: new Error': 'caught in place and rethrown as BEACON_CONFIG_FILE',
  'src/config/load.ts: fileError()': 'returns a BeaconConfigError (BEACON_CONFIG_FILE)',
  'src/config/checks.ts: unknownKey()': 'returns a BeaconConfigError (BEACON_CONFIG_UNKNOWN_KEY)',
  'src/config/schema.ts: unknownKey()': 'returns a BeaconConfigError (BEACON_CONFIG_UNKNOWN_KEY)',
  'src/metrics/observable-guard.ts: failed()': "thrown into the SDK's collection, which reports it through diagnostics; never into the app",
};
const CODED = new Set(['BeaconError', 'BeaconConfigError']);

test('each public function throws a coded error for a programmer error', () => {
  const cases: [string, () => unknown, string, string?][] = [
    ['config', () => resolveConfig({ tracing: { sampler: 1.5 } } as never, {}), INVALID_VALUE, 'tracing.sampler'],
    ['config CIDR', () => resolveConfig({ metrics: { prometheus: { allowedIps: ['10.0.0.0/99'] } } }, {}), INVALID_VALUE, 'metrics.prometheus.allowedIps[0]'],
    ['handler prefix', () => metricsHandler({ access: { allowedIps: ['10.0.0.0/99'] } }), INVALID_VALUE, 'metricsHandler.access.allowedIps[0]'],
    ['handler address', () => metricsHandler({ access: { allowedIps: ['nope'] } }), INVALID_VALUE, 'metricsHandler.access.allowedIps[0]'],
    ['handler format', () => metricsHandler({ format: 'xml' } as never), INVALID_VALUE, 'metricsHandler.format'],
    ['handler option', () => metricsHandler({ acess: {} } as never), UNKNOWN_KEY, 'metricsHandler.acess'],
    ['handler options', () => metricsHandler(null as never), INVALID_VALUE, 'metricsHandler'],
    ['matcher', () => ipMatcher(['10.0.0.0/8', '127.0.0.5/24'], 'trustProxy'), INVALID_VALUE, 'trustProxy[1]'],
    ['metric kinds', () => (metrics.counter('errors_kind'), metrics.histogram('errors_kind')), METRIC_KIND_CONFLICT],
    ['wrapper kinds', () => (metrics.gauge('errors_wrapped'), metrics.trackDuration('errors_wrapped')), METRIC_KIND_CONFLICT],
    ['method decorator', () => metrics.trackDuration('errors_getter')(() => 1, { kind: 'getter', name: 'value' } as never), DECORATOR_TARGET],
    ['legacy method decorator', () => metrics.trackErrors('errors_legacy')({}, 'count', undefined as never), DECORATOR_TARGET],
    ['class decorator', () => Instrumented()(function method() {} as never, { kind: 'method', name: 'run' } as never), DECORATOR_TARGET],
    ['legacy class decorator', () => (Instrumented() as (...args: unknown[]) => unknown)({}, 'run', { value: () => 1 }), DECORATOR_TARGET],
    ['decorator called by hand', () => metrics.trackDuration('errors_by_hand')(() => 1, null as never), DECORATOR_TARGET],
    ['instrument', () => instrument(null as never, 'Nothing'), DECORATOR_TARGET],
  ];
  for (const [label, call, code, field] of cases) {
    assert.throws(call, (error: unknown) => {
      assert.ok(error instanceof BeaconError, `${label}: ${String(error)}`);
      assert.equal(error.code, code, label);
      if (field !== undefined) {
        assert.ok(error instanceof BeaconConfigError, label);
        assert.equal(error.field, field, label);
        assert.ok(error.message.startsWith(`${field}: `), `${label}: the message names the field`);
      }
      return true;
    });
  }
});

test('record calls never throw, whatever they are given', async () => {
  const reader = addBeaconHistograms(new PullReader(100));
  otelMetrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  meterProviderChanged({ buckets: [1], views: {}, cardinalityLimit: 100 });
  const counter = metrics.counter('errors_recorded');
  const histogram = metrics.histogram('errors_recorded_seconds');
  assert.doesNotThrow(() => {
    counter.inc();
    counter.add(Number.NaN, { odd: Symbol('label') } as never);
    histogram.observe(-1, null as never);
    histogram.startTimer(undefined)();
    metrics.gauge('errors_level').set('high' as never);
  });
  await reader.collectNow();
});

test('every throw in src/ is a coded Beacon error, a rethrow, or listed here with its reason', () => {
  const unexplained: string[] = [];
  const used = new Set<string>();
  for (const path of ['register.ts', ...globSync('src/**/*.ts', { cwd: repoRoot })].map((p) => p.replaceAll('\\', '/'))) {
    const source = ts.createSourceFile(path, readFileSync(join(repoRoot, path), 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isThrowStatement(node)) {
        const thrown = node.expression;
        // A bare identifier is a rethrow: the app's or Node's error passed on untouched.
        const coded = ts.isNewExpression(thrown) && CODED.has(thrown.expression.getText(source));
        if (!ts.isIdentifier(thrown) && !coded) {
          const what = ts.isNewExpression(thrown) ? `new ${thrown.expression.getText(source)}` : ts.isCallExpression(thrown) ? `${thrown.expression.getText(source)}()` : thrown.getText(source);
          const key = `${path}: ${what}`;
          if (key in ALLOWED_THROWS) used.add(key);
          else unexplained.push(`${key} (line ${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1})`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  assert.deepEqual(unexplained, [], 'throw a BeaconError with a code from src/errors.ts, or add the throw to ALLOWED_THROWS with its reason');
  assert.deepEqual(Object.keys(ALLOWED_THROWS).filter((key) => !used.has(key)), [], 'allowed throws that are gone');
});
