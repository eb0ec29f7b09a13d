/**
 * The series Beacon serves (docs/metrics.md) and the PromQL pieces the rules and the
 * dashboard build from them. Prometheus scrapes a service under a job named after it
 * (deploy/prometheus/prometheus.yml), so `job` is how a rule finds its service.
 */
export const SERIES = {
  httpDuration: 'http_server_request_duration_seconds',
  httpActive: 'http_server_active_requests',
  componentCalls: 'component_calls_total',
  componentErrors: 'component_errors_total',
  componentDuration: 'component_duration_seconds',
  componentActive: 'component_active_calls',
  rss: 'process_resident_memory_bytes',
  heapUsed: 'nodejs_heap_size_used_bytes',
  heapLimit: 'nodejs_heap_size_limit_bytes',
  eventLoopP99: 'nodejs_eventloop_lag_p99_seconds',
  exporterItems: 'beacon_exporter_items_total',
} as const;

/** A PromQL string literal. */
export function quoted(value: string): string {
  return JSON.stringify(value);
}

/** `name{a="x", b=~"y"}` from ready-made matchers. */
export function selector(name: string, ...matchers: readonly string[]): string {
  return matchers.length === 0 ? name : `${name}{${matchers.join(', ')}}`;
}

/** The matcher of one bucket bound, written as Beacon serves it (`le="0.5"`, `le="1"`) or as Prometheus 3 stores whole numbers (`le="1.0"`). */
export function bucketMatcher(bound: number): string {
  return Number.isInteger(bound) ? `le=~"${bound}(\\\\.0)?"` : `le="${bound}"`;
}

/** Numbers as they read best in rules: no binary noise (1 - 0.999 = 0.0010000000000000009). */
export function number(value: number): string {
  return String(Number(value.toPrecision(12)));
}
