// Beacon keeps its instruments' series itself, so that `instrument.labels(...)` can hand out a
// pre-bound series: what it records must reach every reader exactly as per-call records do,
// in each reader's temporality, across provider changes and within the cardinality limit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type DiagLogger, DiagLogLevel, diag, metrics as otelMetrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  type Histogram,
  InMemoryMetricExporter,
  type MetricData,
  MeterProvider,
  type MetricReader,
  PeriodicExportingMetricReader,
} from '../../src/otel/sdk-metrics.cjs';
import { type MeterSettings, meterProviderChanged } from '../../src/metrics/api/binding.js';
import { addBeaconHistograms } from '../../src/metrics/api/histogram-producer.js';
import { metrics } from '../../src/metrics/api/index.js';
import { PullReader } from '../../src/metrics/prometheus/pull-reader.js';

const SETTINGS: MeterSettings = { buckets: [0.1, 1], views: {}, cardinalityLimit: 100 };

/** A provider with a cumulative (Prometheus) and a delta (OTLP-like) reader, Beacon bound to it. */
function startProvider(settings: MeterSettings = SETTINGS) {
  const cumulative = addBeaconHistograms(new PullReader(settings.cardinalityLimit));
  const delta = addBeaconHistograms(
    new PeriodicExportingMetricReader({ exporter: new InMemoryMetricExporter(AggregationTemporality.DELTA), exportIntervalMillis: 3_600_000 }),
  );
  const provider = new MeterProvider({ readers: [cumulative, delta] });
  otelMetrics.disable();
  otelMetrics.setGlobalMeterProvider(provider);
  meterProviderChanged(settings);
  return {
    cumulative: () => collected(cumulative),
    delta: () => collected(delta),
    async stop() {
      await provider.shutdown();
      otelMetrics.disable();
      meterProviderChanged();
    },
  };
}

async function collected(reader: MetricReader): Promise<Map<string, MetricData>> {
  const { resourceMetrics } = await reader.collect();
  return new Map(resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics).map((metric) => [metric.descriptor.name, metric]));
}

function point(metric: MetricData | undefined, labels: Record<string, unknown>) {
  assert.ok(metric, 'the metric was reported');
  return metric.dataPoints.find((p) => Object.entries(labels).every(([key, value]) => p.attributes[key] === value) && Object.keys(p.attributes).length === Object.keys(labels).length);
}

const sumAt = (metric: MetricData | undefined, labels: Record<string, unknown>) => point(metric, labels)?.value as number | undefined;
const histogramAt = (metric: MetricData | undefined, labels: Record<string, unknown>) => point(metric, labels)?.value as Histogram | undefined;

test('pre-bound and per-call records of one label set are one series, cumulative for one reader and delta for the other', async (t) => {
  const provider = startProvider();
  t.after(() => provider.stop());
  const requests = metrics.counter('bound_requests', { labels: ['route'] });
  const latency = metrics.histogram('bound_latency', { unit: 's', labels: ['route'] });
  const boundRequests = requests.labels({ route: '/a' });
  const boundLatency = latency.labels({ route: '/a' });

  boundRequests.inc();
  boundRequests.add(2);
  requests.inc({ route: '/a' });
  requests.add(1, { route: '/b' });
  boundLatency.observe(0.05);
  boundLatency.record(0.5);
  latency.observe(2, { route: '/a' });

  for (const collect of [provider.cumulative, provider.delta]) {
    const reported = await collect();
    assert.equal(sumAt(reported.get('bound_requests'), { route: '/a' }), 4);
    assert.equal(sumAt(reported.get('bound_requests'), { route: '/b' }), 1);
    const histogram = reported.get('bound_latency')!;
    assert.equal(histogram.dataPointType, DataPointType.HISTOGRAM);
    assert.equal(histogram.descriptor.unit, 's');
    assert.equal(histogram.dataPoints.length, 1, 'one series for /a');
    assert.deepEqual(histogramAt(histogram, { route: '/a' }), { buckets: { boundaries: [0.1, 1], counts: [1, 1, 1] }, count: 3, sum: 2.55, min: 0.05, max: 2 });
  }

  boundRequests.inc();
  boundLatency.observe(0.05);
  const cumulative = await provider.cumulative();
  assert.equal(sumAt(cumulative.get('bound_requests'), { route: '/a' }), 5);
  assert.equal(cumulative.get('bound_latency')!.aggregationTemporality, AggregationTemporality.CUMULATIVE);
  assert.deepEqual(histogramAt(cumulative.get('bound_latency'), { route: '/a' })?.buckets.counts, [2, 1, 1]);
  const delta = await provider.delta();
  assert.equal(sumAt(delta.get('bound_requests'), { route: '/a' }), 1, 'only what came since the last collection');
  assert.equal(delta.get('bound_latency')!.aggregationTemporality, AggregationTemporality.DELTA);
  assert.deepEqual(histogramAt(delta.get('bound_latency'), { route: '/a' }), { buckets: { boundaries: [0.1, 1], counts: [1, 0, 0] }, count: 1, sum: 0.05, min: 0.05, max: 0.05 });
  assert.equal((await provider.delta()).get('bound_latency'), undefined, 'nothing new, nothing reported');
});

test('a pre-bound handle follows its instrument to the next provider; what was recorded in between is not reported', async (t) => {
  const first = startProvider();
  const hits = metrics.counter('bound_hits', { labels: ['page'] }).labels({ page: 'home' });
  const sizes = metrics.histogram('bound_sizes', { unit: 'By', labels: ['page'], buckets: [10] }).labels({ page: 'home' });
  const level = metrics.gauge('bound_level', { labels: ['page'] }).labels({ page: 'home' });
  const active = metrics.upDownCounter('bound_active', { labels: ['page'] }).labels({ page: 'home' });
  hits.inc();
  sizes.observe(1);
  await first.stop();
  hits.inc(10); // no provider: goes nowhere
  sizes.observe(1);

  // The config's view wins over the instrument's own buckets.
  const second = startProvider({ ...SETTINGS, views: { bound_sizes: { buckets: [5, 50] } } });
  t.after(() => second.stop());
  hits.inc();
  sizes.observe(20);
  level.set(7);
  level.dec(2);
  active.inc();
  active.inc();
  active.dec();
  const reported = await second.cumulative();
  assert.equal(sumAt(reported.get('bound_hits'), { page: 'home' }), 1);
  assert.deepEqual(histogramAt(reported.get('bound_sizes'), { page: 'home' })?.buckets, { boundaries: [5, 50], counts: [0, 1, 0] });
  assert.equal(sumAt(reported.get('bound_level'), { page: 'home' }), 5);
  assert.equal(sumAt(reported.get('bound_active'), { page: 'home' }), 1);
});

test('label sets beyond the cardinality limit land in the overflow series, pre-bound or not', async (t) => {
  const provider = startProvider({ ...SETTINGS, cardinalityLimit: 3 });
  t.after(() => provider.stop());
  const users = metrics.counter('bound_users', { labels: ['user'] });
  const waits = metrics.histogram('bound_waits', { unit: 's', labels: ['user'] });
  for (let i = 0; i < 10; i++) {
    users.labels({ user: `u${i}` }).inc();
    waits.labels({ user: `u${i}` }).observe(0.5);
  }
  users.inc({ user: 'u9' });
  for (const collect of [provider.cumulative, provider.delta]) {
    const reported = await collect();
    const counter = reported.get('bound_users')!;
    assert.equal(counter.dataPoints.length, 3, 'two label sets and the overflow series');
    assert.equal(sumAt(counter, { 'otel.metric.overflow': true }), 9);
    const histogram = reported.get('bound_waits')!;
    assert.equal(histogram.dataPoints.length, 3);
    assert.equal(histogramAt(histogram, { 'otel.metric.overflow': true })?.count, 8);
  }
});

test('values an instrument cannot take are dropped, with one warning per instrument', async (t) => {
  const provider = startProvider();
  const warnings: string[] = [];
  const logger = { warn: (message: string) => warnings.push(message) } as Partial<DiagLogger> as DiagLogger;
  for (const level of ['error', 'info', 'debug', 'verbose'] as const) logger[level] = () => undefined;
  diag.setLogger(logger, DiagLogLevel.WARN);
  t.after(async () => {
    diag.disable();
    await provider.stop();
  });
  const counter = metrics.counter('bound_invalid_total').labels({});
  const histogram = metrics.histogram('bound_invalid_seconds', { unit: 's' }).labels({});
  const upDown = metrics.upDownCounter('bound_invalid_level').labels({});
  counter.inc();
  for (const value of [-1, Number.NaN, '2' as never]) {
    counter.add(value);
    histogram.observe(value);
  }
  histogram.observe(0.5);
  upDown.add(-3);
  upDown.add(Number.NaN);

  const reported = await provider.cumulative();
  assert.equal(sumAt(reported.get('bound_invalid_total'), {}), 1);
  assert.deepEqual(histogramAt(reported.get('bound_invalid_seconds'), {})?.count, 1);
  assert.equal(sumAt(reported.get('bound_invalid_level'), {}), -3, 'an up-down counter takes negative values');
  assert.equal(warnings.filter((w) => w.includes('bound_invalid_total')).length, 1, warnings.join('\n'));
  assert.equal(warnings.filter((w) => w.includes('bound_invalid_seconds')).length, 1);
  assert.equal(warnings.filter((w) => w.includes('bound_invalid_level')).length, 1);
});

test('one series per label set: key order does not matter, value types and embedded separators do', async (t) => {
  const provider = startProvider();
  t.after(() => provider.stop());
  const counter = metrics.counter('bound_keys');
  counter.inc({ a: 'x', b: 'y' });
  counter.inc({ b: 'y', a: 'x' });
  counter.labels({ b: 'y', a: 'x' }).inc();
  counter.inc({ a: 'x1:b=1:y' });
  counter.inc({ a: '1' });
  counter.inc({ a: 1 });
  counter.inc({ a: true });
  counter.inc({ a: ['x', 'y'] });
  counter.inc({ ab: 'x' });
  counter.inc({ a: 'bx' });
  const reported = (await provider.cumulative()).get('bound_keys');
  assert.equal(reported?.dataPoints.length, 8, JSON.stringify(reported?.dataPoints.map((p) => p.attributes)));
  assert.equal(sumAt(reported, { a: 'x', b: 'y' }), 3);
  assert.equal(sumAt(reported, { a: 1 }), 1);
  assert.equal(sumAt(reported, { a: '1' }), 1);
});

test("Beacon's histograms join the scope entry of its other instruments: one entry per scope", async (t) => {
  const reader = addBeaconHistograms(new PullReader(100));
  const provider = new MeterProvider({ readers: [reader] });
  otelMetrics.disable();
  otelMetrics.setGlobalMeterProvider(provider);
  meterProviderChanged(SETTINGS);
  t.after(async () => {
    await provider.shutdown();
    otelMetrics.disable();
    meterProviderChanged();
  });
  metrics.counter('scoped_requests').inc();
  metrics.histogram('scoped_latency').observe(0.2);
  const { resourceMetrics } = await reader.collect();
  const entries = resourceMetrics.scopeMetrics.filter(({ metrics: list }) => list.some(({ descriptor }) => descriptor.name.startsWith('scoped_')));
  assert.equal(entries.length, 1, entries.map(({ scope }) => JSON.stringify(scope)).join(' '));
  assert.deepEqual(entries[0]!.metrics.map(({ descriptor }) => descriptor.name).filter((name) => name.startsWith('scoped_')).sort(), ['scoped_latency', 'scoped_requests']);
});
