/**
 * OTel names → the names Prometheus users expect: the one place that decides a metric's
 * Prometheus name (the text writer, text.ts, writes what it is given). Done on the collected
 * data just before serializing, not with OTel Views: Views apply to every reader, and the
 * OTLP exporter must keep the OTel-native names. The rules:
 *  - runtime/host metrics take the prom-client default names (table below), so community
 *    Node.js dashboards work unchanged;
 *  - everything else gets its unit as a suffix (`_seconds`, `_bytes`, `_ratio`);
 *  - then the exposition format's own rules, as upstream's exporter applies them: invalid
 *    characters become `_`, a leading digit gets a `_`, monotonic counters end in `_total`.
 */
import { type Attributes } from '../../otel/api.cjs';
import { type DataPoint, DataPointType, type MetricData, type ResourceMetrics } from '../../otel/sdk-metrics.cjs';
import { warn } from '../../diagnostics.js';

declare const named: unique symbol;
/** Collected metrics with Prometheus names, labels and no units: all the text writer takes. */
export type PrometheusMetrics = ResourceMetrics & { readonly [named]: true };

interface Alias {
  /** Prometheus name; a counter still gets its `_total` as every counter does. */
  readonly name: string;
  /** OTel attribute → Prometheus label, optionally with a value mapping. */
  readonly labels?: Readonly<Record<string, string | { name: string; value: (value: string) => string }>>;
  /** Sum every data point into one label-less series (prom-client's total has no per-mode label). */
  readonly sum?: true;
  /**
   * Further label-less metrics, one per value of an attribute, where prom-client has a metric
   * per value (`process_cpu_user_seconds_total`) beside the total.
   */
  readonly split?: { readonly attribute: string; readonly names: Readonly<Record<string, string>> };
}

const space = { name: 'space', value: (value: string) => value.replace(/_space$/, '') };

/** The documented mapping (docs/metrics.md has the same table). */
export const PROMETHEUS_ALIASES: ReadonlyMap<string, Alias> = new Map<string, Alias>([
  ...['min', 'max', 'mean', 'stddev', 'p50', 'p90', 'p99'].map(
    (stat): [string, Alias] => [`nodejs.eventloop.delay.${stat}`, { name: `nodejs_eventloop_lag_${stat}_seconds` }],
  ),
  ['nodejs.eventloop.lag', { name: 'nodejs_eventloop_lag_seconds' }],
  ['nodejs.eventloop.utilization', { name: 'nodejs_eventloop_utilization_ratio' }],
  ['v8js.gc.duration', { name: 'nodejs_gc_duration_seconds', labels: { 'v8js.gc.type': 'kind' } }],
  ['v8js.memory.heap.used', { name: 'nodejs_heap_space_size_used_bytes', labels: { 'v8js.heap.space.name': space } }],
  ['v8js.memory.heap.space.size', { name: 'nodejs_heap_space_size_total_bytes', labels: { 'v8js.heap.space.name': space } }],
  ['v8js.memory.heap.space.available_size', { name: 'nodejs_heap_space_size_available_bytes', labels: { 'v8js.heap.space.name': space } }],
  ['nodejs.memory.heap.total', { name: 'nodejs_heap_size_total_bytes' }],
  ['nodejs.memory.heap.used', { name: 'nodejs_heap_size_used_bytes' }],
  ['nodejs.memory.heap.limit', { name: 'nodejs_heap_size_limit_bytes' }],
  ['nodejs.memory.external', { name: 'nodejs_external_memory_bytes' }],
  ['nodejs.active_handles', { name: 'nodejs_active_handles' }],
  ['nodejs.active_handles.total', { name: 'nodejs_active_handles_total' }],
  ['nodejs.active_requests', { name: 'nodejs_active_requests' }],
  ['nodejs.active_requests.total', { name: 'nodejs_active_requests_total' }],
  ['nodejs.active_resources', { name: 'nodejs_active_resources' }],
  ['nodejs.active_resources.total', { name: 'nodejs_active_resources_total' }],
  ['nodejs.version_info', { name: 'nodejs_version_info' }],
  ['process.cpu.time', {
    name: 'process_cpu_seconds',
    sum: true,
    split: { attribute: 'cpu.mode', names: { user: 'process_cpu_user_seconds', system: 'process_cpu_system_seconds' } },
  }],
  ['process.memory.usage', { name: 'process_resident_memory_bytes' }],
  ['process.memory.virtual', { name: 'process_virtual_memory_bytes' }],
  ['process.memory.data', { name: 'process_heap_bytes' }],
  ['process.start_time', { name: 'process_start_time_seconds' }],
  ['process.unix.file_descriptor.count', { name: 'process_open_fds' }],
  ['process.unix.file_descriptor.limit', { name: 'process_max_fds' }],
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

/**
 * `http.server.request.duration` + `s` → `http_server_request_duration_seconds`;
 * `orders` counter → `orders_total`. Undefined when no valid name is left.
 */
export function prometheusName(metric: MetricData): string | undefined {
  return nameWith(PROMETHEUS_ALIASES.get(metric.descriptor.name), metric);
}

function nameWith(alias: Alias | undefined, metric: MetricData): string | undefined {
  return exposedName(alias ? alias.name : withUnitSuffix(metric), metric);
}

/** The exposition format's rules applied to a chosen name. */
function exposedName(chosen: string, metric: MetricData): string | undefined {
  let name = sanitize(chosen);
  if (name === '' || name === '_') return undefined;
  if (name[0]! >= '0' && name[0]! <= '9') name = `_${name}`;
  return isCounter(metric) && !name.endsWith('_total') ? `${name}_total` : name;
}

/** Prometheus's character rule, for metric and label names: anything else becomes one `_`. */
export function sanitize(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, '_').replace(/_{2,}/g, '_');
}

/** The OTel name with its unit appended once; a sum's own `_total` comes off (a counter's goes back after the unit). */
function withUnitSuffix(metric: MetricData): string {
  // `:` becomes `_` only in sanitize(), after the suffix is placed: the endpoint's names, which dashboards and alerts use, stay as they were.
  const base = metric.descriptor.name.replace(/[^a-zA-Z0-9_:]/g, '_').replace(/_{2,}/g, '_');
  const { unit } = metric.descriptor;
  // `1` means a ratio only where a value is a level (gauges); `{request}` style units are annotations.
  const suffix = unit === '1' ? (metric.dataPointType === DataPointType.GAUGE ? 'ratio' : '') : UNIT_SUFFIXES[unit] ?? '';
  const trimmed = base.endsWith('_total') && metric.dataPointType === DataPointType.SUM ? base.slice(0, -6) : base;
  return suffix && !trimmed.endsWith(`_${suffix}`) ? `${trimmed}_${suffix}` : trimmed;
}

function isCounter(metric: MetricData): boolean {
  return metric.dataPointType === DataPointType.SUM && metric.isMonotonic;
}

/** A renamed copy, without the metrics no valid name is left for (warned); the input is left as it was (the JSON summary reads OTel names). */
export function toPrometheusNames(resourceMetrics: ResourceMetrics): PrometheusMetrics {
  return {
    resource: resourceMetrics.resource,
    scopeMetrics: resourceMetrics.scopeMetrics.map((scope) => ({
      scope: scope.scope,
      metrics: scope.metrics.flatMap((metric) => {
        const alias = PROMETHEUS_ALIASES.get(metric.descriptor.name);
        const name = nameWith(alias, metric);
        if (name !== undefined) return [renameMetric(metric, name, alias), ...splitMetrics(metric, alias?.split)];
        warn(`metrics: "${metric.descriptor.name}" has no valid Prometheus name; it is left out`);
        return [];
      }),
    })),
  } as PrometheusMetrics;
}

/** One label-less metric per `split` value, summing the points that carry that value. */
function splitMetrics(metric: MetricData, split: Alias['split']): MetricData[] {
  if (!split) return [];
  return Object.entries(split.names).map(([value, name]) => {
    const points = (metric.dataPoints as DataPoint<unknown>[]).filter((point) => point.attributes[split.attribute] === value);
    // `!`: an alias is a valid name, so the format's rules always leave one.
    return renameMetric({ ...metric, dataPoints: points } as MetricData, exposedName(name, metric)!, { name, sum: true });
  });
}

function renameMetric(metric: MetricData, name: string, alias: Alias | undefined): MetricData {
  // Units live in the name now; a `# UNIT` line is OpenMetrics-only anyway.
  const descriptor = { ...metric.descriptor, name, unit: '' };
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
