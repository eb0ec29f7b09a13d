/**
 * OTel names → the names Prometheus users expect. Done on the collected data just before
 * the Prometheus serializer runs, not with OTel Views: Views apply to every reader, and the
 * OTLP exporter must keep the OTel-native names. Two rules:
 *  - runtime/host metrics take the prom-client default names (table below), so community
 *    Node.js dashboards work unchanged;
 *  - everything else gets its unit as a suffix (`_seconds`, `_bytes`, `_ratio`); the
 *    serializer adds `_total` to monotonic counters.
 */
import { type Attributes } from '@opentelemetry/api';
import { type DataPoint, DataPointType, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';

interface Alias {
  /** Prometheus name, without the `_total` the serializer adds to counters. */
  readonly name: string;
  /** OTel attribute → Prometheus label, optionally with a value mapping. */
  readonly labels?: Readonly<Record<string, string | { name: string; value: (value: string) => string }>>;
  /** Sum every data point into one label-less series (prom-client has no per-mode split). */
  readonly sum?: true;
}

const space = { name: 'space', value: (value: string) => value.replace(/_space$/, '') };

/** The documented mapping (docs/metrics.md has the same table). */
export const PROMETHEUS_ALIASES: ReadonlyMap<string, Alias> = new Map<string, Alias>([
  ...['min', 'max', 'mean', 'stddev', 'p50', 'p90', 'p99'].map(
    (stat): [string, Alias] => [`nodejs.eventloop.delay.${stat}`, { name: `nodejs_eventloop_lag_${stat}_seconds` }],
  ),
  ['nodejs.eventloop.utilization', { name: 'nodejs_eventloop_utilization_ratio' }],
  ['v8js.gc.duration', { name: 'nodejs_gc_duration_seconds', labels: { 'v8js.gc.type': 'kind' } }],
  ['v8js.memory.heap.used', { name: 'nodejs_heap_space_size_used_bytes', labels: { 'v8js.heap.space.name': space } }],
  ['v8js.memory.heap.limit', { name: 'nodejs_heap_space_size_total_bytes', labels: { 'v8js.heap.space.name': space } }],
  ['v8js.memory.heap.space.available_size', { name: 'nodejs_heap_space_size_available_bytes', labels: { 'v8js.heap.space.name': space } }],
  ['nodejs.memory.heap.total', { name: 'nodejs_heap_size_total_bytes' }],
  ['nodejs.memory.heap.used', { name: 'nodejs_heap_size_used_bytes' }],
  ['nodejs.memory.heap.limit', { name: 'nodejs_heap_size_limit_bytes' }],
  ['nodejs.memory.external', { name: 'nodejs_external_memory_bytes' }],
  ['nodejs.active_handles', { name: 'nodejs_active_handles' }],
  ['nodejs.active_handles.total', { name: 'nodejs_active_handles_total' }],
  ['nodejs.active_resources', { name: 'nodejs_active_resources' }],
  ['nodejs.active_resources.total', { name: 'nodejs_active_resources_total' }],
  ['nodejs.version_info', { name: 'nodejs_version_info' }],
  ['process.cpu.time', { name: 'process_cpu_seconds', sum: true }],
  ['process.memory.usage', { name: 'process_resident_memory_bytes' }],
  ['process.memory.virtual', { name: 'process_virtual_memory_bytes' }],
  ['process.start_time', { name: 'process_start_time_seconds' }],
  ['process.open_file_descriptor.count', { name: 'process_open_fds' }],
]);

const UNIT_SUFFIXES: Readonly<Record<string, string>> = {
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  '%': 'percent',
};

/** `http.server.request.duration` + `s` → `http_server_request_duration_seconds`. */
export function prometheusName(metric: MetricData): string {
  const alias = PROMETHEUS_ALIASES.get(metric.descriptor.name);
  if (alias) return alias.name;
  const base = metric.descriptor.name.replace(/[^a-zA-Z0-9_:]/g, '_').replace(/_{2,}/g, '_');
  const { unit } = metric.descriptor;
  // `1` means a ratio only where a value is a level (gauges); `{request}` style units are annotations.
  const suffix = unit === '1' ? (metric.dataPointType === DataPointType.GAUGE ? 'ratio' : '') : UNIT_SUFFIXES[unit] ?? '';
  const trimmed = base.endsWith('_total') && metric.dataPointType === DataPointType.SUM ? base.slice(0, -6) : base;
  return suffix && !trimmed.endsWith(`_${suffix}`) ? `${trimmed}_${suffix}` : trimmed;
}

/** A renamed copy; the input is left as it was (the JSON summary reads OTel names). */
export function toPrometheusNames(resourceMetrics: ResourceMetrics): ResourceMetrics {
  return {
    resource: resourceMetrics.resource,
    scopeMetrics: resourceMetrics.scopeMetrics.map((scope) => ({
      scope: scope.scope,
      metrics: scope.metrics.map(renameMetric),
    })),
  };
}

function renameMetric(metric: MetricData): MetricData {
  const alias = PROMETHEUS_ALIASES.get(metric.descriptor.name);
  // Units live in the name now; a `# UNIT` line is OpenMetrics-only anyway.
  const descriptor = { ...metric.descriptor, name: prometheusName(metric), unit: '' };
  let dataPoints: DataPoint<unknown>[] = metric.dataPoints;
  if (alias?.labels) {
    const labels = alias.labels;
    dataPoints = dataPoints.map((point) => ({ ...point, attributes: renameLabels(point.attributes, labels) }));
  }
  if (alias?.sum && metric.dataPointType !== DataPointType.HISTOGRAM && metric.dataPointType !== DataPointType.EXPONENTIAL_HISTOGRAM) {
    const points = metric.dataPoints;
    const first = points[0];
    dataPoints = first ? [{ ...first, attributes: {}, value: points.reduce((total, point) => total + point.value, 0) }] : [];
  }
  return { ...metric, descriptor, dataPoints } as MetricData;
}

function renameLabels(attributes: Attributes, labels: NonNullable<Alias['labels']>): Attributes {
  const renamed: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    const rule = labels[key];
    if (rule === undefined) renamed[key] = value;
    else if (typeof rule === 'string') renamed[rule] = value;
    else renamed[rule.name] = typeof value === 'string' ? rule.value(value) : value;
  }
  return renamed;
}
