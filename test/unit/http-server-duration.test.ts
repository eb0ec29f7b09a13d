/**
 * The http instrumentation's server durations in Beacon's own series
 * (src/metrics/collectors/http-server-duration.ts): seconds, in the config's buckets and
 * cardinality limit, under the instrumentation's scope, and in the same scope entry as what
 * the SDK reports for that meter (the client durations). test/unit/http-server-spans.test.ts
 * compares the histogram with upstream's for real requests.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { metrics as otelMetrics } from '@opentelemetry/api';
import { DataPointType, type Histogram, MeterProvider } from '@opentelemetry/sdk-metrics';
import { resolveConfig } from '../../src/config/resolve.js';
import type { BeaconConfig } from '../../src/config/types.js';
import { meterProviderChanged } from '../../src/metrics/api/binding.js';
import { addBeaconHistograms } from '../../src/metrics/api/histogram-producer.js';
import { serverDurations } from '../../src/metrics/collectors/http-server-duration.js';
import { CollectingReader } from '../helpers/collecting-reader.js';

const SCOPE = { name: '@opentelemetry/instrumentation-http', version: '0.300.0' };
const GET = { 'http.request.method': 'GET', 'url.scheme': 'http', 'http.response.status_code': 200 };

async function withProvider(options: BeaconConfig, run: (reader: CollectingReader, provider: MeterProvider) => Promise<void>): Promise<void> {
  const { config } = resolveConfig(options);
  const reader = addBeaconHistograms(new CollectingReader());
  const provider = new MeterProvider({ readers: [reader] });
  meterProviderChanged(config.metrics);
  try {
    await run(reader, provider);
  } finally {
    await provider.shutdown();
    otelMetrics.disable();
    meterProviderChanged();
  }
}

function durationsIn(reader: CollectingReader) {
  return reader.collect().then(({ resourceMetrics }) => resourceMetrics.scopeMetrics);
}

test('durations are recorded in seconds, in the buckets of a view from the config, under the instrumentation\'s scope', async () => {
  await withProvider({ metrics: { views: { 'http.server.request.duration': { buckets: [1, 2, 5] } } } }, async (reader) => {
    const record = serverDurations(resolveConfig({}).config)(SCOPE)!;
    record(1500, { ...GET });
    record(1500, { ...GET, 'url.scheme': 'http' }); // the same label set in another object
    record(4000, { ...GET, 'http.response.status_code': 500, 'error.type': '500' });
    const [entry] = (await durationsIn(reader)).filter(({ scope }) => scope.name === SCOPE.name);
    assert.deepEqual({ name: entry!.scope.name, version: entry!.scope.version }, SCOPE);
    const metric = entry!.metrics.find(({ descriptor }) => descriptor.name === 'http.server.request.duration')!;
    assert.equal(metric.dataPointType, DataPointType.HISTOGRAM);
    assert.equal(metric.descriptor.unit, 's');
    const points = metric.dataPoints.map(({ attributes, value }) => ({ attributes, value: value as Histogram }));
    assert.equal(points.length, 2);
    const ok = points.find(({ attributes }) => attributes['http.response.status_code'] === 200)!;
    assert.deepEqual(ok.attributes, GET);
    assert.deepEqual(ok.value.buckets, { boundaries: [1, 2, 5], counts: [0, 2, 0, 0] });
    assert.equal(ok.value.sum, 3);
    const failed = points.find(({ attributes }) => attributes['http.response.status_code'] === 500)!;
    assert.deepEqual(failed.value.buckets.counts, [0, 0, 1, 0]);
  });
});

test('they join the SDK\'s entry for the same scope, and keep to the cardinality limit', async () => {
  await withProvider({ metrics: { cardinalityLimit: 3 } }, async (reader, provider) => {
    // What the instrumentation still records through the SDK under its meter.
    provider.getMeter(SCOPE.name, SCOPE.version).createHistogram('http.client.request.duration').record(0.2, { 'http.request.method': 'GET' });
    const record = serverDurations(resolveConfig({}).config)(SCOPE)!;
    for (const route of ['/a', '/b', '/c', '/d']) record(10, { ...GET, 'http.route': route });
    const entries = (await durationsIn(reader)).filter(({ scope }) => scope.name === SCOPE.name);
    assert.equal(entries.length, 1, 'one entry for the scope');
    assert.deepEqual(entries[0]!.metrics.map(({ descriptor }) => descriptor.name).sort(), ['http.client.request.duration', 'http.server.request.duration']);
    const server = entries[0]!.metrics.find(({ descriptor }) => descriptor.name === 'http.server.request.duration')!;
    const routes = server.dataPoints.map(({ attributes }) => attributes['http.route'] ?? (attributes['otel.metric.overflow'] === true ? 'overflow' : '?'));
    assert.deepEqual(routes.sort(), ['/a', '/b', 'overflow'], 'limit − 1 label sets and the overflow series, as the SDK keeps them');
  });
});

test('with metrics off the instrumentation keeps its own histogram (it reaches only readers an app brings)', () => {
  assert.equal(serverDurations(resolveConfig({ metrics: { enabled: false } }).config)(SCOPE), undefined);
});

test('with the http collector off the durations go nowhere (null: the server path works none out) and nothing is reported', async () => {
  await withProvider({ metrics: { collectors: ['runtime'] } }, async (reader) => {
    assert.equal(serverDurations(resolveConfig({ metrics: { collectors: ['runtime'] } }).config)(SCOPE), null);
    const names = (await durationsIn(reader)).flatMap(({ metrics }) => metrics.map(({ descriptor }) => descriptor.name));
    assert.ok(!names.includes('http.server.request.duration'), names.join(', '));
  });
});
