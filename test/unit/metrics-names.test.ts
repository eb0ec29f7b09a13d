// Prometheus naming (unit suffixes, _total, prom-client aliases with label renames) and the
// bucket interpolation behind the JSON summary's percentiles.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValueType } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type Histogram, type MetricData } from '@opentelemetry/sdk-metrics';
import { quantile } from '../../src/metrics/prometheus/histogram-math.js';
import { prometheusName, toPrometheusNames } from '../../src/metrics/prometheus/names.js';
import { PrometheusText } from '../../src/metrics/prometheus/text.js';

const point = <T>(value: T, attributes = {}) => ({ startTime: [0, 0] as [number, number], endTime: [1, 0] as [number, number], attributes, value });
const sum = (name: string, unit: string, monotonic = true, points = [point(1)]): MetricData => ({
  descriptor: { name, unit, description: '', valueType: ValueType.DOUBLE },
  aggregationTemporality: AggregationTemporality.CUMULATIVE,
  dataPointType: DataPointType.SUM,
  isMonotonic: monotonic,
  dataPoints: points,
});
const gauge = (name: string, unit: string, points = [point(1)]): MetricData => ({
  descriptor: { name, unit, description: '', valueType: ValueType.DOUBLE },
  aggregationTemporality: AggregationTemporality.CUMULATIVE,
  dataPointType: DataPointType.GAUGE,
  dataPoints: points,
});

test('names: unit suffixes, ratio for gauges, annotations dropped, no doubled suffixes, _total on counters', () => {
  const cases: [MetricData, string | undefined][] = [
    [sum('http.client.request.body.size', 'By'), 'http_client_request_body_size_bytes_total'],
    [gauge('queue.latency', 's'), 'queue_latency_seconds'],
    [gauge('job_seconds', 's'), 'job_seconds'],
    [gauge('cache.hit', '1'), 'cache_hit_ratio'],
    [sum('http.server.active_requests', '{request}', false), 'http_server_active_requests'],
    [sum('orders_total', '{order}'), 'orders_total'],
    [sum('orders_total', 's'), 'orders_seconds_total'],
    [sum('orders_total', '', false), 'orders'],
    [sum('orders-created', ''), 'orders_created_total'],
    [gauge('9lives', ''), '_9lives'],
    [gauge('back\\slash\nname', ''), 'back_slash_name'],
    [gauge('_', ''), undefined],
    [gauge('nodejs.eventloop.delay.p99', 's'), 'nodejs_eventloop_lag_p99_seconds'],
    [gauge('process.memory.usage', 'By'), 'process_resident_memory_bytes'],
    [sum('process.cpu.time', 's'), 'process_cpu_seconds_total'],
  ];
  for (const [metric, expected] of cases) assert.equal(prometheusName(metric), expected, metric.descriptor.name);
});

test('serialized for the endpoint: _total on counters, prom-client aliases and labels', () => {
  const histogram: Histogram = { buckets: { boundaries: [0.01, 0.1], counts: [1, 2, 0] }, count: 3, sum: 0.12 };
  const resourceMetrics = {
    resource: resourceFromAttributes({ 'service.name': 'names' }),
    scopeMetrics: [
      {
        scope: { name: 'test' },
        metrics: [
          sum('component.calls', '{call}', true, [point(4, { component: 'A', method: 'b' })]),
          sum('process.cpu.time', 's', true, [point(1.5, { 'cpu.mode': 'user' }), point(0.5, { 'cpu.mode': 'system' })]),
          gauge('v8js.memory.heap.used', 'By', [point(100, { 'v8js.heap.space.name': 'old_space' })]),
          {
            descriptor: { name: 'v8js.gc.duration', unit: 's', description: 'GC', valueType: ValueType.DOUBLE },
            aggregationTemporality: AggregationTemporality.CUMULATIVE,
            dataPointType: DataPointType.HISTOGRAM,
            dataPoints: [point(histogram, { 'v8js.gc.type': 'major' })],
          } as MetricData,
        ],
      },
    ],
  };
  const text = new PrometheusText().serialize(toPrometheusNames(resourceMetrics));
  assert.match(text, /^# TYPE component_calls_total counter$/m);
  assert.match(text, /^component_calls_total\{component="A",method="b"\} 4$/m);
  assert.match(text, /^process_cpu_seconds_total 2$/m, 'user + system, one series as prom-client');
  assert.match(text, /^# TYPE process_cpu_user_seconds_total counter\nprocess_cpu_user_seconds_total 1.5$/m, 'and each mode alone');
  assert.match(text, /^# TYPE process_cpu_system_seconds_total counter\nprocess_cpu_system_seconds_total 0.5$/m);
  assert.match(text, /^nodejs_heap_space_size_used_bytes\{space="old"\} 100$/m);
  assert.match(text, /^nodejs_gc_duration_seconds_bucket\{kind="major",le="0.1"\} 3$/m);
  assert.doesNotMatch(text, /# UNIT/, 'units are in the names');
  // The input is untouched (the JSON summary reads the OTel names).
  assert.equal(resourceMetrics.scopeMetrics[0]!.metrics[0]!.descriptor.name, 'component.calls');
});

test('percentiles interpolate inside buckets, bounded by min and max', () => {
  const h: Histogram = { buckets: { boundaries: [0.1, 0.2, 1], counts: [10, 0, 10, 0] }, count: 20, sum: 5, min: 0.05, max: 0.6 };
  assert.ok(Math.abs(quantile(h, 0.5)! - 0.1) < 1e-12);
  // rank 19 of 20: 9th of 10 in (0.2, 0.6] → 0.2 + 0.4 * 0.9
  assert.ok(Math.abs(quantile(h, 0.95)! - 0.56) < 1e-12);
  assert.ok(quantile(h, 0.25)! >= 0.05 && quantile(h, 0.25)! <= 0.1);
  const overflow: Histogram = { buckets: { boundaries: [1], counts: [0, 4] }, count: 4, sum: 20, min: 3, max: 7 };
  assert.ok(quantile(overflow, 0.99)! <= 7 && quantile(overflow, 0.99)! >= 3, 'the +Inf bucket ends at max');
  assert.equal(quantile({ buckets: { boundaries: [1], counts: [0, 0] }, count: 0 }, 0.5), null);
});
