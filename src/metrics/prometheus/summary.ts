/**
 * The human-readable JSON view beside /metrics: HTTP totals, error rate and latency
 * percentiles (overall and per route), component statistics, process memory, CPU, uptime.
 * Computed from one collection of the pull reader (OTel names, cumulative since start);
 * percentiles are interpolated inside histogram buckets (see histogram-math.ts).
 */
import { DataPointType, type Histogram, type MetricData, type ResourceMetrics } from '../../otel/sdk-metrics.cjs';
import { EXPORTER_METRICS } from '../collectors/exporter-health.js';
import { mergeHistograms, quantile } from './histogram-math.js';
import { processMemory } from '../collectors/process-stats.js';

export interface LatencySummary {
  count: number;
  avg_ms: number | null;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
}

export interface MetricsSummary {
  service: string;
  timestamp: string;
  uptime_seconds: number;
  http: {
    requests: number;
    /** 5xx responses (and requests that failed without one) / all requests; 0 when none. */
    errors: number;
    error_rate: number;
    by_method: Record<string, number>;
    by_status: Record<string, number>;
    latency: LatencySummary;
    routes: Record<string, LatencySummary & { errors: number; error_rate: number }>;
  };
  components: Record<string, { calls: number; errors: number; avg_ms: number | null; p95_ms: number | null }>;
  /** Per signal that leaves the process (spans, logs, metrics pushed over OTLP): what became of its items. */
  exporters: Record<string, ExporterSummary>;
  process: {
    memory: { rss_bytes: number; heap_used_bytes: number; heap_total_bytes: number; external_bytes: number; virtual_bytes: number | null };
    cpu: { user_seconds: number; system_seconds: number; total_seconds: number };
  };
}

export interface ExporterSummary {
  /** Items given to Beacon = exported + dropped + failed + queue.size + in_flight. */
  received: number;
  exported: number;
  dropped: Record<string, number>;
  failed: Record<string, number>;
  /** Absent for metric pushes, which have no queue of their own. */
  queue?: { size: number; capacity: number };
  in_flight: number;
  export_duration: LatencySummary;
}

const round = (value: number | null, digits = 3) => (value === null ? null : Number(value.toFixed(digits)));

export function summarize(resourceMetrics: ResourceMetrics): MetricsSummary {
  const metrics = indexByName(resourceMetrics);
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  return {
    service: String(resourceMetrics.resource.attributes['service.name'] ?? ''),
    timestamp: new Date().toISOString(),
    uptime_seconds: round(process.uptime())!,
    http: httpSummary(metrics.get('http.server.request.duration') ?? []),
    components: componentSummary(metrics),
    exporters: exporterSummary(metrics),
    process: {
      memory: {
        rss_bytes: memory.rss,
        heap_used_bytes: memory.heapUsed,
        heap_total_bytes: memory.heapTotal,
        external_bytes: memory.external,
        virtual_bytes: processMemory().virtual,
      },
      cpu: { user_seconds: cpu.user / 1e6, system_seconds: cpu.system / 1e6, total_seconds: (cpu.user + cpu.system) / 1e6 },
    },
  };
}

function indexByName(resourceMetrics: ResourceMetrics): Map<string, MetricData[]> {
  const byName = new Map<string, MetricData[]>();
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      const list = byName.get(metric.descriptor.name) ?? [];
      list.push(metric);
      byName.set(metric.descriptor.name, list);
    }
  }
  return byName;
}

function histogramPoints(metrics: readonly MetricData[]) {
  return metrics.flatMap((metric) => (metric.dataPointType === DataPointType.HISTOGRAM ? metric.dataPoints : []));
}

function latency(histograms: Histogram[]): LatencySummary {
  const merged = mergeHistograms(histograms);
  if (!merged || merged.count === 0) return { count: 0, avg_ms: null, p50_ms: null, p95_ms: null, p99_ms: null };
  const ms = (seconds: number | null) => round(seconds === null ? null : seconds * 1000);
  return {
    count: merged.count,
    avg_ms: ms((merged.sum ?? 0) / merged.count),
    p50_ms: ms(quantile(merged, 0.5)),
    p95_ms: ms(quantile(merged, 0.95)),
    p99_ms: ms(quantile(merged, 0.99)),
  };
}

function httpSummary(durations: readonly MetricData[]): MetricsSummary['http'] {
  const byMethod: Record<string, number> = {};
  const byStatus: Record<string, number> = {};
  const routes = new Map<string, { histograms: Histogram[]; errors: number }>();
  const all: Histogram[] = [];
  let errors = 0;
  for (const point of histogramPoints(durations)) {
    const { attributes, value } = point;
    const method = String(attributes['http.request.method'] ?? 'unknown');
    const status = attributes['http.response.status_code'];
    const failed = (typeof status === 'number' && status >= 500) || (status === undefined && attributes['error.type'] !== undefined);
    byMethod[method] = (byMethod[method] ?? 0) + value.count;
    byStatus[String(status ?? 'none')] = (byStatus[String(status ?? 'none')] ?? 0) + value.count;
    const key = `${method} ${String(attributes['http.route'] ?? '(no route)')}`;
    const route = routes.get(key) ?? { histograms: [], errors: 0 };
    route.histograms.push(value);
    if (failed) {
      route.errors += value.count;
      errors += value.count;
    }
    routes.set(key, route);
    all.push(value);
  }
  const overall = latency(all);
  return {
    requests: overall.count,
    errors,
    error_rate: overall.count ? round(errors / overall.count, 4)! : 0,
    by_method: byMethod,
    by_status: byStatus,
    latency: overall,
    routes: Object.fromEntries(
      [...routes].map(([key, route]) => {
        const stats = latency(route.histograms);
        return [key, { ...stats, errors: route.errors, error_rate: stats.count ? round(route.errors / stats.count, 4)! : 0 }];
      }),
    ),
  };
}

function componentSummary(metrics: Map<string, MetricData[]>): MetricsSummary['components'] {
  const key = (attributes: Record<string, unknown>) => `${String(attributes.component)}.${String(attributes.method)}`;
  const counts = (name: string) => {
    const totals = new Map<string, number>();
    for (const metric of metrics.get(name) ?? []) {
      if (metric.dataPointType !== DataPointType.SUM) continue;
      for (const point of metric.dataPoints) totals.set(key(point.attributes), (totals.get(key(point.attributes)) ?? 0) + point.value);
    }
    return totals;
  };
  const calls = counts('component.calls');
  const errors = counts('component.errors');
  const durations = new Map<string, Histogram[]>();
  for (const point of histogramPoints(metrics.get('component.duration') ?? [])) {
    const list = durations.get(key(point.attributes)) ?? [];
    list.push(point.value);
    durations.set(key(point.attributes), list);
  }
  const summary: MetricsSummary['components'] = {};
  for (const [name, count] of calls) {
    const stats = latency(durations.get(name) ?? []);
    summary[name] = { calls: count, errors: errors.get(name) ?? 0, avg_ms: stats.avg_ms, p95_ms: stats.p95_ms };
  }
  return summary;
}

function exporterSummary(metrics: Map<string, MetricData[]>): MetricsSummary['exporters'] {
  const summary: MetricsSummary['exporters'] = {};
  const entry = (signal: unknown) =>
    (summary[String(signal)] ??= { received: 0, exported: 0, dropped: {}, failed: {}, in_flight: 0, export_duration: latency([]) });
  const points = (name: string) =>
    (metrics.get(name) ?? []).flatMap((metric) => (metric.dataPointType === DataPointType.SUM || metric.dataPointType === DataPointType.GAUGE ? metric.dataPoints : []));
  for (const { attributes, value } of points(EXPORTER_METRICS.items)) {
    const exporter = entry(attributes.signal);
    if (attributes.outcome === 'exported') exporter.exported = value;
    else if (attributes.outcome === 'dropped') exporter.dropped[String(attributes.reason)] = value;
    else exporter.failed[String(attributes.reason)] = value;
  }
  for (const { attributes, value } of points(EXPORTER_METRICS.received)) entry(attributes.signal).received = value;
  for (const { attributes, value } of points(EXPORTER_METRICS.inFlight)) entry(attributes.signal).in_flight = value;
  for (const { attributes, value } of points(EXPORTER_METRICS.queueSize)) {
    const exporter = entry(attributes.signal);
    exporter.queue = { size: value, capacity: exporter.queue?.capacity ?? 0 };
  }
  for (const { attributes, value } of points(EXPORTER_METRICS.queueCapacity)) {
    const exporter = entry(attributes.signal);
    exporter.queue = { size: exporter.queue?.size ?? 0, capacity: value };
  }
  const durations = new Map<string, Histogram[]>();
  for (const point of histogramPoints(metrics.get(EXPORTER_METRICS.duration) ?? [])) {
    const signal = String(point.attributes.signal);
    durations.set(signal, [...(durations.get(signal) ?? []), point.value]);
  }
  for (const [signal, histograms] of durations) entry(signal).export_duration = latency(histograms);
  return summary;
}
