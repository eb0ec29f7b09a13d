// Observable callbacks that hang, throw or reject cost only their own series, and the report
// names the instrument — through the raw OTel API and Beacon's metrics.meter() alike.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { format } from 'node:util';
import { setImmediate } from 'node:timers/promises';
import { metrics as otelMetrics } from '../../src/otel/api.cjs';
import { setGlobalErrorHandler } from '../../src/otel/core.cjs';
import { metrics } from '../../src/metrics/api/index.js';
import { meterProviderChanged } from '../../src/metrics/api/binding.js';
import { GuardedMeterProvider } from '../../src/metrics/observable-guard.js';
import { PullReader } from '../../src/metrics/prometheus/pull-reader.js';
import { toPrometheusNames } from '../../src/metrics/prometheus/names.js';
import { PrometheusText } from '../../src/metrics/prometheus/text.js';

const reported: string[] = [];
setGlobalErrorHandler((error) => reported.push((error as Error).message));
const reader = new PullReader(100);
const provider = new GuardedMeterProvider({ readers: [reader] });
otelMetrics.setGlobalMeterProvider(provider);
meterProviderChanged({ buckets: [1], views: {}, cardinalityLimit: 100 });

async function scrape(): Promise<string> {
  reported.length = 0;
  return new PrometheusText().serialize(toPrometheusNames(await reader.collectNow()));
}

test('hanging, throwing and rejecting callbacks: every other series served, each failure names its instrument', async () => {
  const raw = otelMetrics.getMeter('raw-api');
  raw.createObservableGauge('raw_hanging').addCallback(() => new Promise<void>(() => undefined));
  raw.createObservableGauge('raw_throwing').addCallback(() => {
    throw new Error('pool is closed');
  });
  raw.createObservableGauge('raw_fine').addCallback((result) => result.observe(7));
  metrics.meter().createObservableGauge('beacon_rejecting').addCallback(async () => {
    throw new TypeError('cache is gone');
  });
  metrics.meter().createObservableCounter('beacon_fine').addCallback((result) => result.observe(3));

  const text = await scrape();
  assert.match(text, /^raw_fine 7$/m);
  assert.match(text, /^beacon_fine_total 3$/m);
  assert.doesNotMatch(text, /^(raw_hanging|raw_throwing|beacon_rejecting) /m);
  assert.deepEqual([...reported].sort(), [
    'observable callback of "beacon_rejecting" failed (TypeError: cache is gone); its series are left out of this collection',
    'observable callback of "raw_hanging" did not answer within 500 ms; its series are left out until it does',
    'observable callback of "raw_throwing" failed (Error: pool is closed); its series are left out of this collection',
  ]);
  // The OTLP reader logs these errors with util.format: one line each, no stacks.
  const { errors } = await reader.collect();
  assert.ok(errors.length >= 3);
  for (const error of errors) assert.doesNotMatch(format('collection errors', error), /\n/);
});

test('a callback still pending is not called again; once it answers it is called as before', async () => {
  let calls = 0;
  let answer: () => void = () => undefined;
  const gauge = otelMetrics.getMeter('pending').createObservableGauge('slow_gauge');
  const callback = (result: { observe(value: number): void }) => {
    calls++;
    result.observe(calls);
    return new Promise<void>((resolve) => (answer = resolve));
  };
  gauge.addCallback(callback);
  await scrape();
  await scrape();
  assert.equal(calls, 1, 'the stuck call is not stacked up by the second collection');
  assert.ok(reported.some((message) => message.startsWith('observable callback of "slow_gauge" did not answer')), reported.join('\n'));
  answer();
  await setImmediate(); // the answer settles in the next turn
  await scrape();
  assert.equal(calls, 2);
  gauge.removeCallback(callback);
  await scrape();
  assert.equal(calls, 2, 'removeCallback(original) removes what addCallback registered');
});

test('a batch callback that throws names its instruments', async () => {
  const meter = otelMetrics.getMeter('batch');
  const first = meter.createObservableGauge('batch_first');
  const second = meter.createObservableUpDownCounter('batch_second');
  meter.addBatchObservableCallback(() => {
    throw new RangeError('no stats');
  }, [first, second]);
  const text = await scrape();
  assert.match(text, /^raw_fine 7$/m);
  assert.ok(
    reported.includes('batch observable callback of "batch_first", "batch_second" failed (RangeError: no stats); its series are left out of this collection'),
    reported.join('\n'),
  );
});
