/**
 * `beacon-otel dashboard`: the Grafana dashboard of a service — overview, the SLO row, HTTP
 * per route, components, the service's own metrics (`dashboard.metrics`), runtime and
 * system — on the series Beacon serves, every query filtered by the `$service` and
 * `$instance` variables. Pure and deterministic, like the rules.
 */
import type { ResolvedConfig } from '../config/types.js';
import { customMetricPanels } from './dashboard-custom.js';
import { type Draft, type Json, layout, row, stat, table, timeseries } from './grafana-panels.js';
import { rate, series } from './dashboard-queries.js';
import { SERIES } from './promql.js';
import { sloPanels } from './dashboard-slo.js';
import { bytes, duration, percent } from './wording.js';

const TIME_RANGE = 'start=${__from}000&end=${__to}000&limit=20';
const DURATION = SERIES.httpDuration;
const ROUTE = 'http_request_method, http_route';
const ROUTE_LEGEND = '{{http_request_method}} {{http_route}}';

const percentiles = (by: string, name = `${DURATION}_bucket`) =>
  [0.5, 0.95, 0.99].map((q) => ({ expr: `histogram_quantile(${q.toFixed(2)}, sum by (${by}) (${rate(name)}))`, legend: `p${Math.round(q * 100)}` }));
const mean = (by: string) => `sum${by ? ` by (${by})` : ''} (${rate(`${DURATION}_sum`)}) / sum${by ? ` by (${by})` : ''} (${rate(`${DURATION}_count`)})`;

function overview(config: ResolvedConfig): Draft[] {
  const { errorRate, latency } = config.alerts;
  const latencySteps: [string, number][] = [['orange', latency.threshold / 2], ['red', latency.threshold]];
  const alertNote = (on: boolean, text: string) => (on ? ` (${text})` : '');
  return [
    row('Overview'),
    stat({ title: 'Total requests', description: 'HTTP requests in the selected time range.', unit: 'short', decimals: 0, target: { expr: `sum(increase(${series(`${DURATION}_count`)}[$__range]))`, legend: 'Total requests' } }),
    stat({ title: 'Requests / s', description: 'Current request rate.', unit: 'reqps', decimals: 2, target: { expr: `sum(${rate(`${DURATION}_count`)})`, legend: 'Requests / s' } }),
    stat({ title: 'Avg response time', description: 'Mean HTTP server duration.', unit: 's', steps: latencySteps, target: { expr: mean(''), legend: 'Avg response time' } }),
    stat({
      title: 'Error rate (5xx)',
      description: `Share of requests answered with a 5xx${alertNote(errorRate.enabled, `the HighErrorRate alert fires above ${percent(errorRate.threshold)}`)}.`,
      unit: 'percentunit',
      decimals: 2,
      steps: [['orange', errorRate.threshold / 5], ['red', errorRate.threshold]],
      target: { expr: `(sum(${rate(`${DURATION}_count`, 'http_response_status_code=~"5.."')}) or vector(0)) / sum(${rate(`${DURATION}_count`)})`, legend: 'Error rate (5xx)' },
    }),
    stat({
      title: 'P95 latency',
      description: `95th percentile of HTTP server duration${alertNote(latency.enabled, `the HighLatencyP95 alert fires above ${duration(latency.threshold)}`)}.`,
      unit: 's',
      steps: latencySteps,
      target: { expr: percentiles('le')[1]!.expr, legend: 'P95 latency' },
    }),
    stat({ title: 'P99 latency', description: '99th percentile of HTTP server duration.', unit: 's', steps: [['orange', latency.threshold], ['red', latency.threshold * 2]], target: { expr: percentiles('le')[2]!.expr, legend: 'P99 latency' } }),
  ];
}

/** Jaeger's UI without a trailing '/', or null when the dashboard links to no traces. */
const jaegerOf = (config: ResolvedConfig) => config.dashboard.jaegerUrl?.replace(/\/+$/, '') ?? null;

function httpByRoute(config: ResolvedConfig): Draft[] {
  const slow = config.alerts.latency.threshold;
  const jaeger = jaegerOf(config);
  return [
    row('HTTP — per route'),
    timeseries({
      title: 'Response time by route (p95)',
      description: `p95 duration per route.${jaeger ? ' Click a series for its traces in Jaeger; the panel link opens the slow traces.' : ''}`,
      unit: 's',
      targets: [{ expr: `histogram_quantile(0.95, sum by (le, ${ROUTE}) (${rate(`${DURATION}_bucket`)}))`, legend: ROUTE_LEGEND }],
      ...(jaeger
        ? {
            seriesLinks: [{
              title: 'Traces of ${__field.labels.http_request_method} ${__field.labels.http_route} in Jaeger',
              url: `${jaeger}/search?service=\${service}&operation=\${__field.labels.http_request_method}%20\${__field.labels.http_route}&${TIME_RANGE}`,
            }],
            links: [{ title: `Slow traces (> ${duration(slow)}) in Jaeger`, url: `${jaeger}/search?service=\${service}&minDuration=${Math.round(slow * 1000)}ms&${TIME_RANGE}` }],
          }
        : {}),
    }),
    timeseries({ title: 'Request rate by route', description: 'Requests per second per route template (never raw paths with ids).', unit: 'reqps', targets: [{ expr: `sum by (${ROUTE}) (${rate(`${DURATION}_count`)})`, legend: ROUTE_LEGEND }] }),
    timeseries({ title: 'Response time percentiles', description: 'Percentiles over time, all routes.', unit: 's', targets: [...percentiles('le'), { expr: mean(''), legend: 'avg' }] }),
    timeseries({
      title: 'Status codes',
      description: 'Responses per second by status code: 2xx success, 4xx caller errors (validation, unknown ids), 5xx failures.',
      unit: 'reqps',
      stacked: true,
      targets: [{ expr: `sum by (http_response_status_code) (${rate(`${DURATION}_count`)})`, legend: '{{http_response_status_code}}' }],
    }),
    timeseries({ title: 'Average response time by route', description: 'Mean duration per route.', unit: 's', targets: [{ expr: mean(ROUTE), legend: ROUTE_LEGEND }] }),
    timeseries({
      title: 'Errors by route',
      description: '4xx and 5xx responses per route.',
      unit: 'reqps',
      targets: [{ expr: `sum by (http_route, http_response_status_code) (${rate(`${DURATION}_count`, 'http_response_status_code=~"[45].."')})`, legend: '{{http_route}} {{http_response_status_code}}' }],
    }),
    timeseries({
      title: 'Response body size by route (p95)',
      description: 'Bytes written per response, streamed and compressed responses included (bucket resolution).',
      unit: 'bytes',
      targets: [{ expr: `histogram_quantile(0.95, sum by (le, ${ROUTE}) (${rate('http_server_response_body_size_bytes_bucket')}))`, legend: ROUTE_LEGEND }],
    }),
    timeseries({
      title: 'Request body size by route (p95)',
      description: 'Request bodies by Content-Length (bucket resolution).',
      unit: 'bytes',
      targets: [{ expr: `histogram_quantile(0.95, sum by (le, ${ROUTE}) (${rate('http_server_request_body_size_bytes_bucket')}))`, legend: ROUTE_LEGEND }],
    }),
  ];
}

function components(config: ResolvedConfig): Draft[] {
  const slow = config.alerts.componentLatency;
  const calls = (by: string) => `sum by (${by}) (${rate(SERIES.componentCalls)})`;
  return [
    row('Components (@Instrumented services and repositories)'),
    table({ title: 'Component calls', description: 'Calls per component method in the selected range.', unit: 'short', expr: `sum by (component, method) (increase(${series(SERIES.componentCalls)}[$__range]))` }),
    timeseries({ title: 'Component call rate', description: 'Calls per second per component.', unit: 'ops', targets: [{ expr: calls('component'), legend: '{{component}}' }] }),
    timeseries({
      title: 'Component duration (p95)',
      description: `95th percentile duration per component method (each call is also a span Component.method in Jaeger)${slow.enabled ? `; the SlowComponent alert fires above ${duration(slow.threshold)}` : ''}.`,
      unit: 's',
      targets: [{ expr: `histogram_quantile(0.95, sum by (le, component, method) (${rate(`${SERIES.componentDuration}_bucket`)}))`, legend: '{{component}}.{{method}}' }],
    }),
    timeseries({
      title: 'Component success vs failure',
      description: 'Successful calls and failures (by error type) per second per component.',
      unit: 'ops',
      targets: [
        { expr: `${calls('component')} - (sum by (component) (${rate(SERIES.componentErrors)}) or ${calls('component')} * 0)`, legend: '{{component}} ok' },
        { expr: `sum by (component, error_type) (${rate(SERIES.componentErrors)})`, legend: '{{component}} {{error_type}}' },
      ],
    }),
    timeseries({
      title: 'Component calls in flight',
      description: 'Calls of each component method running right now (a steady climb: calls that never finish).',
      unit: 'short',
      targets: [{ expr: `sum by (component, method) (${series(SERIES.componentActive)})`, legend: '{{component}}.{{method}}' }],
    }),
  ];
}

function runtime(config: ResolvedConfig): Draft[] {
  const { memory, eventLoopDelay } = config.alerts;
  const gauge = (name: string, legend: string) => ({ expr: series(name), legend: `${legend} {{instance}}` });
  return [
    row('Runtime & system'),
    timeseries({
      title: 'Memory',
      description: `Process memory${memory.enabled ? ` (the HighMemoryUsage alert fires above ${bytes(memory.threshold)} RSS)` : ''}.`,
      unit: 'bytes',
      targets: [
        gauge(SERIES.rss, 'RSS'),
        gauge('process_virtual_memory_bytes', 'virtual'),
        gauge(SERIES.heapUsed, 'heap used'),
        gauge('nodejs_heap_size_total_bytes', 'heap total'),
        gauge('nodejs_external_memory_bytes', 'external'),
      ],
    }),
    timeseries({
      title: 'CPU',
      description: 'Process CPU (seconds of CPU per second: 1 = one core) and the whole machine.',
      unit: 'percentunit',
      targets: [{ expr: `sum by (instance) (${rate('process_cpu_seconds_total')})`, legend: 'process {{instance}}' }, gauge('system_cpu_utilization_ratio', 'system')],
    }),
    timeseries({
      title: 'Event loop delay',
      description: `Event loop delay since the previous scrape${eventLoopDelay.enabled ? ` (the EventLoopDelayHigh alert fires when p99 > ${duration(eventLoopDelay.threshold)} for ${eventLoopDelay.for})` : ''}.`,
      unit: 's',
      targets: [gauge('nodejs_eventloop_lag_p50_seconds', 'p50'), gauge(SERIES.eventLoopP99, 'p99'), gauge('nodejs_eventloop_lag_max_seconds', 'max')],
    }),
    timeseries({ title: 'Event loop utilization', description: 'Share of time the event loop was busy.', unit: 'percentunit', targets: [{ expr: series('nodejs_eventloop_utilization_ratio'), legend: '{{instance}}' }] }),
    timeseries({ title: 'GC time by kind', description: 'Seconds spent in garbage collection per second, by kind.', unit: 'percentunit', targets: [{ expr: `sum by (kind) (${rate('nodejs_gc_duration_seconds_sum')})`, legend: '{{kind}}' }] }),
    timeseries({ title: 'GC runs', description: 'Garbage collections per second, by kind.', unit: 'ops', targets: [{ expr: `sum by (kind) (${rate('nodejs_gc_duration_seconds_count')})`, legend: '{{kind}}' }] }),
    timeseries({
      title: 'Handles and file descriptors',
      description: 'Active libuv handles and open file descriptors (steady growth: a leak).',
      unit: 'short',
      targets: [gauge('nodejs_active_handles_total', 'handles'), gauge('process_open_fds', 'open fds')],
    }),
    timeseries({ title: 'In-flight requests', description: 'HTTP requests being handled right now.', unit: 'short', targets: [{ expr: `sum by (instance) (${series(SERIES.httpActive)})`, legend: '{{instance}}' }] }),
  ];
}

function variable(name: string, query: string, extra: Json): Json {
  return {
    name,
    label: name,
    type: 'query',
    datasource: { type: 'prometheus', uid: 'prometheus' },
    definition: query,
    query: { qryType: 1, query, refId: 'PrometheusVariableQueryEditor-VariableQuery' },
    refresh: 2,
    sort: 1,
    ...extra,
  };
}

export function grafanaDashboard(config: ResolvedConfig): string {
  const service = config.service.name;
  const jaeger = jaegerOf(config);
  const panels = layout([...overview(config), ...sloPanels(config), ...httpByRoute(config), ...components(config), ...customMetricPanels(config), ...runtime(config)]);
  const dashboard = {
    uid: `beacon-${service.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}`.slice(0, 40),
    title: `Beacon — ${service}`,
    description: `HTTP, SLOs, components, custom metrics and Node.js runtime of ${service}, generated by \`beacon-otel dashboard\` from its monitoring config. Metric names: docs/metrics.md.`,
    tags: ['beacon', 'nodejs', 'opentelemetry'],
    timezone: 'browser',
    editable: true,
    graphTooltip: 1,
    refresh: '10s',
    time: { from: 'now-30m', to: 'now' },
    schemaVersion: 39,
    version: 1,
    links: jaeger
      ? [
          { title: 'Traces in Jaeger', type: 'link', url: `${jaeger}/search?service=\${service}`, targetBlank: true, icon: 'external link' },
          { title: 'Jaeger Monitor (span metrics)', type: 'link', url: `${jaeger}/monitor`, targetBlank: true, icon: 'external link' },
        ]
      : [],
    templating: {
      list: [
        variable('service', 'label_values(nodejs_version_info, job)', { multi: false, includeAll: false, current: { selected: true, text: service, value: service } }),
        variable('instance', 'label_values(up{job=~"$service"}, instance)', { multi: true, includeAll: true, allValue: '.*', current: { selected: true, text: ['All'], value: ['$__all'] } }),
      ],
    },
    annotations: {
      list: [
        { builtIn: 1, datasource: { type: 'grafana', uid: '-- Grafana --' }, enable: true, hide: true, iconColor: 'rgba(0, 211, 255, 1)', name: 'Annotations & Alerts', type: 'dashboard' },
        { name: 'Alerts', datasource: { type: 'prometheus', uid: 'prometheus' }, enable: true, iconColor: 'red', expr: 'ALERTS{alertstate="firing", job=~"$service"}', step: '30s', titleFormat: '{{alertname}}', textFormat: '{{instance}}', useValueForTime: false },
      ],
    },
    panels,
  };
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}
