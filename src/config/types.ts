/**
 * The monitoring config: what users write (`BeaconConfig`, every field optional) and what
 * every module receives (`ResolvedConfig`, every field filled, frozen).
 * Field meanings and defaults are documented in ./defaults.ts and the README table; the
 * allowed names come from ./enums.ts; ./shape.ts fails the build when these types, the
 * schema and the defaults disagree.
 */
import type { OtlpTarget as ResolvedTarget } from '../export/otlp-target.js';
import type { DiagLevelName, LogFormat, LogLevel, LogOutputName, LogRotation, MetricsCollector, MetricsExporter } from './enums.js';
import type { OtlpProtocol, Propagator, ResourceDetectorName, SamplerName, TraceExporter } from './enums.js';
import type { AlertingConfig, ResolvedAlerting } from './alerting-types.js';

export type * from './enums.js';
export type * from './alerting-types.js';
export type AttributeValue = string | number | boolean;
/** A level name as written: `'info'` or `'INFO'` (any case is accepted); resolved to the lower-case name. */
export type AnyCase<Name extends string> = Name | Uppercase<Name>;

/** One sampling rule: every given matcher must match; the first matching rule decides. */
export interface SamplingRule {
  /** Glob on the URL path of incoming requests (`*` within a segment, `**` across). */
  path?: string;
  /** HTTP method, case-insensitive. */
  method?: string;
  /** Exact match on span attributes known when the span starts. */
  attributes?: Record<string, AttributeValue>;
  /** Share of matching traces to keep, 0..1. */
  ratio: number;
}

export interface SamplerOptions {
  /** Share of new traces to keep when no rule matches, 0..1. */
  ratio?: number;
  /** Follow the caller's sampling decision when there is one (default true). */
  parentBased?: boolean;
  rules?: SamplingRule[];
  /** Cap on new root traces kept per second, across all rules; null for no cap. */
  maxPerSecond?: number | null;
}

export interface OtlpTarget {
  /** Full URL including the signal path, e.g. http://collector:4318/v1/traces. */
  endpoint?: string;
  headers?: Record<string, string>;
  protocol?: OtlpProtocol;
  /** Total deadline of one export, in milliseconds (not an idle timeout). */
  timeoutMs?: number;
}

/** Who may read the metrics endpoint, besides `allowedIps`. */
export type PrometheusAuth = { bearerToken: string } | { username: string; password: string };

export type LogOutput = LogOutputName | { type: LogOutputName; level?: AnyCase<LogLevel> };
/** An output as the schema returns it: an object, its level (if any) in lower case. */
export interface CheckedLogOutput {
  type: LogOutputName;
  level?: LogLevel;
}

export interface BeaconConfig extends AlertingConfig {
  /** Master switch; `OTEL_SDK_DISABLED=true` turns Beacon off whatever this says. */
  enabled?: boolean;
  service?: {
    name?: string;
    version?: string;
    environment?: string;
    /** Extra resource attributes. */
    attributes?: Record<string, AttributeValue>;
    /** Resource detectors to run. Cloud detectors probe metadata addresses: opt in only. */
    detectors?: ResourceDetectorName[];
  };
  logging?: {
    level?: AnyCase<LogLevel>;
    format?: LogFormat;
    outputs?: LogOutput[];
    correlation?: boolean;
    /** Names of the correlation fields in 'structured' format (ECS always uses trace.id / span.id). */
    fields?: { traceId?: string; spanId?: string; traceFlags?: string };
    file?: {
      path?: string;
      /** Rotate when the file reaches this size, e.g. '10m', '1g'; null for no size limit. */
      size?: string | null;
      /** Rotate on a schedule; null for no time-based rotation. */
      frequency?: LogRotation;
      /** Rotated files to keep. */
      keep?: number;
    };
    otlp?: OtlpTarget;
    /** Extra redaction paths (pino syntax), on top of Beacon's defaults. */
    redact?: string[];
    /** One log line per HTTP request. */
    requests?: boolean;
    /** Longest string value written (message included), in characters; longer ones are cut with a marker. */
    maxStringLength?: number;
  };
  metrics?: {
    enabled?: boolean;
    collectors?: MetricsCollector[];
    /** Seconds between pushes (otlp/console exporters) and samples of polled collectors. */
    interval?: number;
    exporters?: MetricsExporter[];
    prometheus?: {
      /** Start Beacon's own HTTP server; false when `metricsHandler()` is mounted on the app instead. */
      server?: boolean;
      port?: number;
      host?: string;
      path?: string;
      /** Path of the human-readable JSON summary; null to turn it off. */
      jsonPath?: string | null;
      /** CIDRs allowed to read the endpoint; empty allows everyone. */
      allowedIps?: string[];
      /** Proxies (CIDRs) whose X-Forwarded-For is believed; empty ignores the header. */
      trustProxy?: string[];
      auth?: PrometheusAuth | null;
      /**
       * Milliseconds after a collection during which scrapes get its result instead of a new
       * one. Scrapes that arrive while a collection is made or serialized always share it; with 0,
       * only those.
       */
      minIntervalMs?: number;
      /** Largest response served; a bigger one is answered with 503 and a warning. */
      maxResponseBytes?: number;
    };
    otlp?: OtlpTarget;
    /** Default histogram buckets (seconds for durations). */
    buckets?: number[];
    /** Per-metric overrides, keyed by OTel metric name. */
    views?: Record<string, { buckets?: number[] }>;
    /** Maximum series per metric stream before new label sets overflow into one series. */
    cardinalityLimit?: number;
  };
  tracing?: {
    enabled?: boolean;
    /** A ratio 0..1 (parent-based), an OTel sampler name, or rules. */
    sampler?: number | SamplerName | SamplerOptions;
    exporter?: TraceExporter;
    /** Where the 'otlp' and 'jaeger' exporters send spans (Jaeger ingests OTLP). */
    otlp?: OtlpTarget;
    /** @deprecated Write `tracing.otlp.endpoint`; this key is read until the next release. */
    endpoint?: string;
    /** @deprecated Write `tracing.otlp.headers`; this key is read until the next release. */
    headers?: Record<string, string>;
    /** @deprecated Write `tracing.otlp.protocol`; this key is read until the next release. */
    protocol?: OtlpProtocol;
    /** @deprecated Write `tracing.otlp.timeoutMs`; this key is read until the next release. */
    timeoutMs?: number;
    batch?: { maxQueueSize?: number; maxExportBatchSize?: number; scheduledDelayMs?: number };
    propagators?: Propagator[];
    /** Incoming request paths never traced (globs). */
    ignorePaths?: string[];
    /** Add `Server-Timing: traceparent;desc=…` to responses. */
    serverTiming?: boolean;
    /** What one span may hold (the SDK's span limits); longer values are truncated, extra items dropped. */
    limits?: {
      /** Characters of one attribute value (URLs, user agents, exception stacks). */
      attributeValueLength?: number;
      attributeCount?: number;
      eventCount?: number;
      linkCount?: number;
    };
  };
  /** Turn instrumentations on (true), off (false) or on with options, by name. */
  instrumentations?: Record<string, boolean | Record<string, unknown>>;
  shutdown?: {
    /** Flush on SIGTERM/SIGINT when the app has no handler of its own. */
    handleSignals?: boolean;
    /** Upper bound on the flush at shutdown, in milliseconds. */
    timeoutMs?: number;
  };
  diagnostics?: {
    /** Beacon's and OpenTelemetry's own diagnostic output (OTEL_LOG_LEVEL). */
    level?: AnyCase<DiagLevelName>;
  };
  privacy?: {
    /**
     * More names whose values are secrets, on top of Beacon's list (password, secret, token,
     * api key, …): matched case-insensitively anywhere within a log field name, header name or
     * query parameter name, e.g. `['ssn', 'card_number']`.
     */
    secretKeys?: string[];
  };
}

type DeepReadonly<T> = T extends (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

export type ResolvedSampler = Required<SamplerOptions>;

export type ResolvedOtlpTarget = ResolvedTarget;

interface ResolvedShape extends ResolvedAlerting {
  enabled: boolean;
  service: {
    name: string;
    version: string | null;
    environment: string;
    attributes: Record<string, AttributeValue>;
    detectors: ResourceDetectorName[];
  };
  logging: {
    level: LogLevel;
    format: LogFormat;
    outputs: Required<CheckedLogOutput>[];
    correlation: boolean;
    fields: { traceId: string; spanId: string; traceFlags: string };
    file: { path: string; size: string | null; frequency: LogRotation; keep: number };
    otlp: ResolvedOtlpTarget;
    redact: string[];
    requests: boolean;
    maxStringLength: number;
  };
  metrics: {
    enabled: boolean;
    collectors: MetricsCollector[];
    interval: number;
    exporters: MetricsExporter[];
    prometheus: {
      server: boolean;
      port: number;
      host: string;
      path: string;
      jsonPath: string | null;
      allowedIps: string[];
      trustProxy: string[];
      auth: PrometheusAuth | null;
      minIntervalMs: number;
      maxResponseBytes: number;
    };
    otlp: ResolvedOtlpTarget;
    buckets: number[];
    views: Record<string, { buckets?: number[] }>;
    cardinalityLimit: number;
  };
  tracing: {
    enabled: boolean;
    sampler: ResolvedSampler;
    exporter: TraceExporter;
    otlp: ResolvedOtlpTarget;
    batch: { maxQueueSize: number; maxExportBatchSize: number; scheduledDelayMs: number };
    propagators: Propagator[];
    ignorePaths: string[];
    serverTiming: boolean;
    limits: { attributeValueLength: number; attributeCount: number; eventCount: number; linkCount: number };
  };
  instrumentations: Record<string, boolean | Record<string, unknown>>;
  shutdown: { handleSignals: boolean; timeoutMs: number };
  diagnostics: { level: DiagLevelName };
  privacy: { secretKeys: string[] };
}

/** The fully defaulted, validated, frozen config every module receives. */
export type ResolvedConfig = DeepReadonly<ResolvedShape>;
/** Mutable twin used while resolving. */
export type MutableResolvedConfig = ResolvedShape;
/** The defaults and the merge before resolveConfig's last step, which gives outputs without a level logging.level. */
export type UnresolvedConfig = Omit<ResolvedShape, 'logging'> & {
  logging: Omit<ResolvedShape['logging'], 'outputs'> & { outputs: CheckedLogOutput[] };
};

/**
 * Where a resolved value came from: the config object, an env var, the declarative config
 * file (OTEL_CONFIG_FILE, with the YAML path), the app's package.json (service name and
 * version), or the default.
 */
export type ValueSource = 'config' | `env:${string}` | `OTEL_CONFIG_FILE:${string}` | 'package.json' | 'default';
