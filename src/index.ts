/**
 * The public API of beacon-otel. Every public name is listed here explicitly.
 */
export { defineConfig } from './config/define.js';
export { resolveConfig } from './config/resolve.js';
export type { AppPackage, Resolution } from './config/resolve.js';
export { monitoring, startMonitoring } from './start.js';
export type { MonitoringHandle, StartContext } from './start.js';
export { BeaconConfigError, BeaconError, ErrorCodes } from './errors.js';
export type { ConfigErrorCode, ErrorCode } from './errors.js';
export type {
  BeaconConfig,
  ResolvedConfig,
  SamplerOptions,
  SamplingRule,
  LogLevel,
  LogFormat,
  LogOutput,
  MetricsCollector,
  MetricsExporter,
  TraceExporter,
  OtlpProtocol,
  Propagator,
  ResourceDetectorName,
  SamplerName,
} from './config/types.js';

// Metrics: the metrics API, the Prometheus handler and component instrumentation.
export { metrics } from './metrics/api/index.js';
export type {
  Counter,
  Gauge,
  Histogram,
  UpDownCounter,
  BoundCounter,
  BoundGauge,
  BoundHistogram,
  BoundUpDownCounter,
  Labels,
  LabelValue,
  InstrumentOptions,
  HistogramOptions,
  MethodDecorator,
} from './metrics/api/index.js';
export { metricsHandler, metricsText } from './metrics/prometheus/app-handler.js';
export type { MetricsHandlerOptions, MetricsRequestHandler } from './metrics/prometheus/app-handler.js';
export type { MetricsSummary, LatencySummary } from './metrics/prometheus/summary.js';
export { PROMETHEUS_ALIASES } from './metrics/prometheus/names.js';
export { Instrumented, instrument } from './decorators/instrumented.js';

// Logging: the logger and its factory.
export { logger, createLogger } from './logging/logger.js';
export type { Logger, Bindings as LoggerBindings } from 'pino';
