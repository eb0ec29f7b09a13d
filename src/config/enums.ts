/**
 * Every closed list of names the config accepts, written once. The types (`LogLevel`, …),
 * the schema's `oneOf` checks, the env parsing and the README check (test/docs.test.ts) all
 * read these arrays, so a value added here is accepted, typed and documented together.
 * The diag levels and OTLP protocols live with the wings that use them (diagnostics,
 * export/), which need nothing from the config.
 */
export { DIAG_LEVEL_NAMES, type DiagLevelName } from '../diagnostics.js';
export { OTLP_PROTOCOLS, type OtlpProtocol } from '../export/otlp-target.js';

/** Lowest first: logging/setup.ts picks the root logger's level by this order. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const LOG_FORMATS = ['structured', 'ecs', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export const LOG_OUTPUT_NAMES = ['console', 'file', 'otlp'] as const;
export type LogOutputName = (typeof LOG_OUTPUT_NAMES)[number];

/** null: no time-based rotation. */
export const LOG_ROTATIONS = ['hourly', 'daily', null] as const;
export type LogRotation = (typeof LOG_ROTATIONS)[number];

export const METRICS_COLLECTORS = ['http', 'runtime', 'host', 'components'] as const;
export type MetricsCollector = (typeof METRICS_COLLECTORS)[number];

export const METRICS_EXPORTERS = ['prometheus', 'otlp', 'console'] as const;
export type MetricsExporter = (typeof METRICS_EXPORTERS)[number];

export const TRACE_EXPORTERS = ['jaeger', 'otlp', 'console', 'none'] as const;
export type TraceExporter = (typeof TRACE_EXPORTERS)[number];

export const PROPAGATORS = ['tracecontext', 'baggage', 'b3', 'b3multi', 'none'] as const;
export type Propagator = (typeof PROPAGATORS)[number];

/** The cloud ones probe metadata addresses over the network: opt in only. */
export const RESOURCE_DETECTORS = ['host', 'os', 'process', 'container', 'aws', 'gcp', 'azure', 'alibaba'] as const;
export type ResourceDetectorName = (typeof RESOURCE_DETECTORS)[number];

export const SAMPLER_NAMES = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type SamplerName = (typeof SAMPLER_NAMES)[number];

/** An alert's `severity` label, which Alertmanager routes on. */
export const ALERT_SEVERITIES = ['critical', 'warning', 'info'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export const ALERT_COMPARISONS = ['>', '>=', '<', '<=', '==', '!='] as const;
export type AlertComparison = (typeof ALERT_COMPARISONS)[number];

/** 'availability': share of requests not answered 5xx; 'latency': share faster than a threshold. */
export const SLO_KINDS = ['availability', 'latency'] as const;
export type SloKind = (typeof SLO_KINDS)[number];

export const DASHBOARD_METRIC_KINDS = ['counter', 'gauge', 'histogram'] as const;
export type DashboardMetricKind = (typeof DASHBOARD_METRIC_KINDS)[number];
