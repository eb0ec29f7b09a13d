/**
 * The orders service's monitoring config. `npm start` points BEACON_CONFIG here; every
 * field not given keeps its documented default, and the standard OTEL_* env vars fill in
 * what this file leaves open (see the README's config table):
 *
 * - `npm start` (no env): traces → http://localhost:4318 (Jaeger, if one runs), metrics on
 *   :9464 (/metrics, /metrics.json), JSON logs with trace ids on stdout.
 * - docker-compose sets OTEL_EXPORTER_OTLP_ENDPOINT=http://otel-collector:4318: traces and
 *   logs go to the Collector (→ Jaeger, → Elasticsearch), Prometheus scrapes :9464.
 */
import { defineConfig } from 'beacon-otel';

// Logs go over OTLP too when a collector is configured; there is no stdout shipper in the
// compose stack, so each record reaches Elasticsearch once (docs/logging.md).
const collector = (process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? '').trim() !== '';

export default defineConfig({
  service: { name: 'orders-service', version: '1.0.0' },
  // Level, format (BEACON_LOG_LEVEL, BEACON_LOG_FORMAT) and the metrics port and host (:9464
  // on all interfaces, OTEL_EXPORTER_PROMETHEUS_PORT/_HOST move it) stay on their defaults, so
  // the env can change them. Who may scrape is set here: this machine and the private ranges,
  // which the compose network's Prometheus (a 172.x address) is in. Without it Beacon warns
  // at start that the endpoint is open to every host (docs/metrics.md).
  metrics: {
    prometheus: { allowedIps: ['127.0.0.0/8', '::1', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'] },
  },
  logging: {
    outputs: collector ? ['console', 'otlp'] : ['console'],
    requests: true,
  },
  tracing: {
    exporter: 'jaeger',
    sampler: {
      ratio: 0.5,
      rules: [
        { path: '/api/orders/revenue', ratio: 1 },
        { method: 'POST', path: '/api/orders', ratio: 1 },
      ],
      maxPerSecond: 100,
    },
    serverTiming: true,
  },
  // `npx beacon-otel rules` and `npx beacon-otel dashboard` turn what follows (and the built-in
  // alerts, on their defaults) into deploy/prometheus/alerts.yml and the Grafana dashboard.
  slo: {
    window: '30d',
    objectives: [
      { name: 'orders-availability', kind: 'availability', objective: 0.995 },
      { name: 'order-creation-latency', kind: 'latency', objective: 0.99, threshold: 0.25, route: '/api/orders', method: 'POST' },
    ],
  },
  // The service's own metrics (telemetry.ts), a panel each.
  dashboard: {
    metrics: [
      { title: 'Database write operations', metric: 'database_writes_total', kind: 'counter', labels: ['table', 'operation'], unit: 'wps' },
      { title: 'Query result sizes', metric: 'database_query_rows_returned', kind: 'histogram', labels: ['table', 'query_type'] },
      { title: 'Full table scans', metric: 'database_full_scan_total', kind: 'counter', labels: ['table'] },
      { title: 'Expensive aggregations', metric: 'expensive_aggregation_total', kind: 'counter', labels: ['operation'] },
    ],
  },
});
