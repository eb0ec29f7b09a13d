// Beacon's Prometheus text serializer against upstream's: byte-identical output for metrics
// collected by the real SDK and for a few thousand generated shapes (merged families, type and
// help conflicts, escaping, non-string labels, +Inf/NaN, histograms with and without +Inf), both
// given the metrics as names.ts renames them (the only input the writer takes).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Attributes, ValueType } from '@opentelemetry/api';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  AggregationType,
  DataPointType,
  MeterProvider,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import { toPrometheusNames } from '../../src/metrics/prometheus/names.js';
import { PrometheusText } from '../../src/metrics/prometheus/text.js';
import { CollectingReader } from '../helpers/collecting-reader.js';

const upstream = () => new PrometheusSerializer(undefined, false, undefined, false, true);

test('metrics collected by the SDK serialize exactly as upstream serializes them', async () => {
  const reader = new CollectingReader();
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'text "test"', 'host.name': 'a\\b' }),
    readers: [reader],
    views: [{ instrumentName: 'custom.buckets', aggregation: { type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM, options: { boundaries: [1, 10, Infinity] } } }],
  });
  const meter = provider.getMeter('test');
  const requests = meter.createCounter('http.requests', { description: 'Requests.' });
  const duration = meter.createHistogram('http.server.request.duration', { unit: 's', description: 'Duration.' });
  const custom = meter.createHistogram('custom.buckets');
  const active = meter.createUpDownCounter('active-requests', { valueType: ValueType.INT });
  meter.createObservableGauge('heap.used', { unit: 'By' }).addCallback((result) => result.observe(1234, { space: 'old' }));
  for (let i = 0; i < 200; i++) {
    const attributes = { 'http.request.method': i % 3 ? 'GET' : 'POST', 'http.route': `/orders/${i % 7}`, 'http.response.status_code': 200 + (i % 4) * 100 };
    requests.add(1, attributes);
    duration.record((i % 50) / 100, attributes);
    custom.record(i % 20, { ok: i % 2 === 0 });
    active.add(i % 2 ? 1 : -1, { path: 'new\nline "quoted"' });
  }
  const resourceMetrics = toPrometheusNames((await reader.collect()).resourceMetrics);
  const ours = new PrometheusText().serialize(resourceMetrics);
  assert.equal(ours, upstream().serialize(resourceMetrics));
  // The size bound is below the real size, and close enough to refuse a label leak early.
  const { minimumBytes } = new PrometheusText().prepare(resourceMetrics);
  assert.ok(minimumBytes <= Buffer.byteLength(ours) && minimumBytes > 0.6 * Buffer.byteLength(ours), `${minimumBytes} of ${Buffer.byteLength(ours)} bytes`);
  assert.match(ours, /^http_server_request_duration_seconds_bucket\{http_request_method="POST",http_route="\/orders\/0",http_response_status_code="200",le="\+Inf"\} 3$/m);
  assert.match(ours, /^custom_buckets_bucket\{ok="true",le="\+Inf"\} 100$/m);
  await provider.shutdown();
});

test('generated shapes serialize exactly as upstream serializes them', () => {
  const random = seeded(20261122);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const names = ['http.requests', 'requests_total', 'requests', 'orders-created', 'queue.depth', '9lives', 'back\\slash\nname', '_', 'a..b__c'];
  const descriptions = ['', 'First help.', 'Second help.', 'Multi\nline \\ help'];
  const units = ['', 's', 'By', '{request}'];
  const keys = ['method', 'http.route', 'a-b', 'le_', 'status code'];
  const values: Attributes[string][] = ['GET', '/a/"b"', 'back\\slash', 'new\nline', 42, 1.5, true, ['x', 'y'], ''];
  const numbers = [0, 1, 0.1 + 0.2, -3, 1e21, Infinity, -Infinity, NaN];
  const boundarySets = [[], [0.1, 1], [0.005, 0.01, 0.025, 0.05], [1, Infinity]];

  const attributes = (): Attributes => {
    const set: Attributes = {};
    const count = Math.floor(random() * 4);
    for (let i = 0; i < count; i++) set[pick(keys)] = pick(values);
    return set;
  };
  const point = <T>(value: T) => ({ startTime: [0, 0] as [number, number], endTime: [1, 0] as [number, number], attributes: attributes(), value });
  const metric = (): MetricData => {
    const descriptor = { name: pick(names), description: pick(descriptions), unit: pick(units), valueType: ValueType.DOUBLE };
    const points = Array.from({ length: Math.floor(random() * 4) });
    const kind = Math.floor(random() * 4);
    if (kind === 3) {
      const boundaries = pick(boundarySets);
      return {
        descriptor,
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.HISTOGRAM,
        dataPoints: points.map(() => {
          const counts = Array.from({ length: boundaries.length + 1 }, () => Math.floor(random() * 5));
          const count = counts.reduce((total, n) => total + n, 0);
          return point({ buckets: { boundaries, counts }, count, ...(random() < 0.8 ? { sum: pick(numbers) } : {}) });
        }),
      };
    }
    const common = { descriptor, aggregationTemporality: AggregationTemporality.CUMULATIVE, dataPoints: points.map(() => point(pick(numbers))) };
    return kind === 2 ? { ...common, dataPointType: DataPointType.GAUGE } : { ...common, dataPointType: DataPointType.SUM, isMonotonic: kind === 0 };
  };

  const ours = new PrometheusText();
  const theirs = upstream();
  for (let round = 0; round < 3000; round++) {
    const resourceMetrics = toPrometheusNames({
      resource: resourceFromAttributes(attributes()),
      scopeMetrics: Array.from({ length: 1 + Math.floor(random() * 2) }, (_, i) => ({
        scope: { name: `scope-${i}` },
        metrics: Array.from({ length: Math.floor(random() * 5) }, metric),
      })),
    });
    const text = ours.serialize(resourceMetrics);
    assert.equal(text, theirs.serialize(resourceMetrics), `round ${round}: ${JSON.stringify(resourceMetrics.scopeMetrics)}`);
    // The size bound the endpoint refuses oversized scrapes on must never exceed the real size.
    const { minimumBytes } = ours.prepare(resourceMetrics);
    assert.ok(minimumBytes <= Buffer.byteLength(text), `round ${round}: bound ${minimumBytes} > ${Buffer.byteLength(text)} bytes`);
  }
});

/** mulberry32: the same shapes on every run, so a failure can be replayed. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
