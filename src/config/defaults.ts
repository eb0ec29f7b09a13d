/**
 * Every default, in one place. `{}` resolves to exactly this (plus what the environment
 * says). The README's config table documents the same values.
 */
import { METRICS_COLLECTORS } from './enums.js';
import type { ResolvedOtlpTarget as OtlpTarget, UnresolvedConfig } from './types.js';

export const DEFAULT_TRACES_ENDPOINT = 'http://localhost:4318/v1/traces';
export const DEFAULT_METRICS_ENDPOINT = 'http://localhost:4318/v1/metrics';
export const DEFAULT_LOGS_ENDPOINT = 'http://localhost:4318/v1/logs';
/** OTLP/gRPC has no signal paths: every signal goes to the collector's gRPC port. */
export const DEFAULT_GRPC_ENDPOINT = 'http://localhost:4317';

/** Paths of health probes and of the metrics endpoint: never traced, never in HTTP metrics. */
export const DEFAULT_IGNORED_PATHS = [
  '/health',
  '/healthz',
  '/livez',
  '/readyz',
  '/ready',
  '/live',
  '/ping',
  '/metrics',
  '/metrics.json',
  '/favicon.ico',
];

/** The stable semantic-convention buckets for HTTP durations, in seconds. */
export const DEFAULT_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** What a rule of `alerts.rules` leaves out (its summary defaults to its name and value). */
export const DEFAULT_RULE = { for: '5m', severity: 'warning' } as const;

/** The same for every signal but the signal path. */
const otlpTarget = (endpoint: string): OtlpTarget => ({ endpoint, headers: {}, protocol: 'http/protobuf', timeoutMs: 10_000 });

export function defaultConfig(): UnresolvedConfig {
  return {
    enabled: true,
    service: {
      name: 'unknown_service:node',
      version: null,
      environment: 'development',
      attributes: {},
      detectors: ['host', 'os', 'process', 'container'],
    },
    logging: {
      level: 'info',
      format: 'structured',
      // No level of its own: resolveConfig gives it logging.level (so `level: 'debug'` or
      // BEACON_LOG_LEVEL=debug reaches the default console too).
      outputs: [{ type: 'console' }],
      correlation: true,
      fields: { traceId: 'trace_id', spanId: 'span_id', traceFlags: 'trace_flags' },
      file: { path: 'logs/app.log', size: '10m', frequency: 'daily', keep: 7 },
      otlp: otlpTarget(DEFAULT_LOGS_ENDPOINT),
      redact: [],
      requests: false,
      maxStringLength: 16_384,
    },
    metrics: {
      enabled: true,
      collectors: [...METRICS_COLLECTORS],
      interval: 10,
      exporters: ['prometheus'],
      prometheus: {
        server: true,
        port: 9464,
        host: '0.0.0.0',
        path: '/metrics',
        jsonPath: '/metrics.json',
        allowedIps: [],
        trustProxy: [],
        auth: null,
        // Shorter than any scrape interval in use (Prometheus: 10-60 s): one scraper always
        // gets fresh data, ten scrapers or a curl loop cost one collection per second.
        minIntervalMs: 1000,
        // 10k histogram series are ~17 MB; a response past this is a label leak, not a scrape.
        maxResponseBytes: 32 * 1024 * 1024,
      },
      otlp: otlpTarget(DEFAULT_METRICS_ENDPOINT),
      buckets: [...DEFAULT_DURATION_BUCKETS],
      views: {},
      cardinalityLimit: 2000,
    },
    tracing: {
      enabled: true,
      sampler: { ratio: 1, parentBased: true, rules: [], maxPerSecond: null },
      exporter: 'otlp',
      otlp: otlpTarget(DEFAULT_TRACES_ENDPOINT),
      batch: { maxQueueSize: 2048, maxExportBatchSize: 512, scheduledDelayMs: 5000 },
      propagators: ['tracecontext', 'baggage'],
      ignorePaths: [...DEFAULT_IGNORED_PATHS],
      serverTiming: false,
      // 4 KiB keeps any real URL or user agent whole and a 16 KB one out of every span; the
      // counts are the SDK's own defaults, stated so that the README and the env vars agree.
      limits: { attributeValueLength: 4096, attributeCount: 128, eventCount: 128, linkCount: 128 },
    },
    instrumentations: {},
    shutdown: { handleSignals: true, timeoutMs: 5000 },
    diagnostics: { level: 'info' },
    privacy: { secretKeys: [] },
    // The thresholds of the rules Beacon's stack shipped before they were generated.
    alerts: {
      serviceDown: { enabled: true, for: '1m', severity: 'critical' },
      errorRate: { enabled: true, threshold: 0.05, for: '5m', severity: 'critical' },
      latency: { enabled: true, threshold: 0.5, for: '10m', severity: 'warning' },
      componentLatency: { enabled: true, threshold: 1, for: '10m', severity: 'warning' },
      memory: { enabled: true, threshold: 512 * 1024 * 1024, for: '10m', severity: 'warning' },
      heap: { enabled: true, threshold: 0.9, for: '5m', severity: 'critical' },
      eventLoopDelay: { enabled: true, threshold: 0.2, for: '5m', severity: 'warning' },
      exportFailures: { enabled: true, threshold: 0.1, for: '10m', severity: 'warning' },
      rules: [],
    },
    slo: { window: '30d', objectives: [] },
    // The stack's Jaeger (docker-compose.yml).
    dashboard: { metrics: [], jaegerUrl: 'http://localhost:16686' },
  };
}
