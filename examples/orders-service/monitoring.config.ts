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
  logging: {
    level: 'info',
    format: 'structured',
    outputs: collector ? ['console', 'otlp'] : ['console'],
    correlation: true,
    requests: true,
  },
  metrics: {
    collectors: ['http', 'runtime', 'host', 'components'],
    exporters: ['prometheus'], // :9464 /metrics and /metrics.json (OTEL_EXPORTER_PROMETHEUS_PORT moves it)
  },
  tracing: {
    exporter: 'jaeger',
    sampler: {
      ratio: 0.5,
      rules: [
        { path: '/health', ratio: 0 },
        { path: '/api/orders/revenue', ratio: 1 },
        { method: 'POST', path: '/api/orders', ratio: 1 },
      ],
      maxPerSecond: 100,
    },
    serverTiming: true,
  },
});
