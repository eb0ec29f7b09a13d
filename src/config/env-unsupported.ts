/**
 * The rest of the OpenTelemetry SDK environment-variable specification, for traces, metrics,
 * logs, resource, propagation, limits, batch processors and exporters: what Beacon leaves to
 * upstream code it runs, and what it does not honour. Nothing is silently ignored: a variable
 * of the second list that is set is said once at start, with what to use instead.
 */

/** Read by the upstream exporter code Beacon sends through (its OTLP/HTTP settings, the metric exporter). */
export const UPSTREAM_ENV_VARS: Readonly<Record<string, string>> = {
  ...perSignal('COMPRESSION', 'gzip or none, read by the OTLP/HTTP settings Beacon sends with and by the OTLP/gRPC exporter'),
  ...perSignal('CERTIFICATE', 'CA file for https, read by the OTLP/HTTP settings and the OTLP/gRPC exporter'),
  ...perSignal('CLIENT_KEY', 'client TLS key file, read by the OTLP/HTTP settings and the OTLP/gRPC exporter'),
  ...perSignal('CLIENT_CERTIFICATE', 'client TLS certificate file, read by the OTLP/HTTP settings and the OTLP/gRPC exporter'),
  OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'cumulative (default), delta or lowmemory, read by the OTLP metric exporter',
  OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION: 'explicit_bucket_histogram (default) or base2_exponential_bucket_histogram, read by the OTLP metric exporter',
  OTEL_SEMCONV_STABILITY_OPT_IN: 'read by the instrumentations (http, database attribute names)',
};

/** Set, each is one warning at start: name → why, and what to use instead. */
export const UNSUPPORTED_ENV_VARS: Readonly<Record<string, string>> = {
  OTEL_BSP_EXPORT_TIMEOUT: 'one deadline bounds each export: use OTEL_EXPORTER_OTLP_TRACES_TIMEOUT',
  OTEL_METRIC_EXPORT_TIMEOUT: 'one deadline bounds each export: use OTEL_EXPORTER_OTLP_METRICS_TIMEOUT',
  OTEL_BLRP_SCHEDULE_DELAY: 'the OTLP log output sends at least every second, sooner in batches of 2,048 lines (or 2 MiB)',
  OTEL_BLRP_EXPORT_TIMEOUT: 'one deadline bounds each export: use OTEL_EXPORTER_OTLP_LOGS_TIMEOUT',
  OTEL_BLRP_MAX_QUEUE_SIZE: 'the OTLP log output keeps its own bounded queue, counted on /metrics',
  OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: 'the OTLP log output sends batches of up to 2,048 lines (or 2 MiB)',
  OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT: 'span events keep the span attribute limits',
  OTEL_LINK_ATTRIBUTE_COUNT_LIMIT: 'span links keep the span attribute limits',
  OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT: 'log strings are cut at logging.maxStringLength',
  OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT: 'log records keep every field the app logs',
  OTEL_METRICS_EXEMPLAR_FILTER: 'Beacon records no exemplars',
  // OTel spec: INSECURE applies only to a gRPC endpoint without a scheme, which Beacon does not accept.
  ...perSignal('INSECURE', 'the endpoint\'s scheme decides TLS, for gRPC too: http:// is plaintext, https:// is TLS'),
  ...each(['ENDPOINT', 'TIMEOUT'], (setting) => `OTEL_EXPORTER_ZIPKIN_${setting}`, 'no Zipkin exporter; send OTLP (the Collector converts)'),
  ...each(['AGENT_HOST', 'AGENT_PORT', 'ENDPOINT'], (setting) => `OTEL_EXPORTER_JAEGER_${setting}`, 'Jaeger takes OTLP: use OTEL_EXPORTER_OTLP_ENDPOINT'),
  ...each(['USER', 'PASSWORD'], (setting) => `OTEL_EXPORTER_JAEGER_${setting}`, 'Jaeger takes OTLP: use OTEL_EXPORTER_OTLP_HEADERS'),
  OTEL_EXPORTER_JAEGER_TIMEOUT: 'Jaeger takes OTLP: use OTEL_EXPORTER_OTLP_TIMEOUT',
};

/** One meaning for several variables. */
function each(parts: readonly string[], name: (part: string) => string, meaning: string): Record<string, string> {
  return Object.fromEntries(parts.map((part) => [name(part), meaning]));
}

/** The general OTLP variable and its three per-signal forms. */
function perSignal(setting: string, meaning: string): Record<string, string> {
  return each(['', 'TRACES_', 'METRICS_', 'LOGS_'], (signal) => `OTEL_EXPORTER_OTLP_${signal}${setting}`, meaning);
}
