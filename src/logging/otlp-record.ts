/**
 * A log line as the OTLP log output queues it, and the OpenTelemetry log record it becomes:
 * severity, body, attributes, resource and the trace context of the log call. The record
 * is built in the encoder's worker (otlp-encoder-worker.ts), as the plain object the OTLP
 * serializers read: the logs SDK's Logger would copy and re-validate every attribute of a
 * line JSON.parse has just made, and cap a line at 128 fields where this output keeps every
 * field the app logs.
 */
import { type AnyValue, type Attributes, type SpanContext, SeverityNumber } from '../otel/api.cjs';
import { millisToHrTime } from '../otel/core.cjs';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ResolvedConfig } from '../config/types.js';
import { BEACON_VERSION } from '../version.js';
import type { LineKeys } from './formats.js';

/** What the log call leaves for the encoder: the serialised line (already redacted), its trace context, and when it was written. */
export interface LogLine {
  readonly line: string;
  readonly spanContext: SpanContext | undefined;
  readonly observedMs: number;
}

/** A record's attributes: the serializers write maps and lists too, as they do for the SDK's records. */
type LogAttributes = Record<string, AnyValue>;

const SEVERITY: Record<string, SeverityNumber> = {
  trace: SeverityNumber.TRACE,
  debug: SeverityNumber.DEBUG,
  info: SeverityNumber.INFO,
  warn: SeverityNumber.WARN,
  error: SeverityNumber.ERROR,
  fatal: SeverityNumber.FATAL,
};

/** Fields carried by the resource or the record's own slots, not repeated as attributes. */
const NOT_ATTRIBUTES = [
  'service', 'version', 'environment', 'hostname', 'pid',
  'ecs.version', 'service.name', 'service.version', 'service.environment', 'event.dataset',
  'process.pid', 'host.hostname', 'trace.id', 'span.id',
];

/** The fields of a line that are not attributes, for `logging` (its format's keys and its correlation field names). */
export function notAttributes(logging: ResolvedConfig['logging'], keys: LineKeys): string[] {
  return [...new Set([...NOT_ATTRIBUTES, keys.message, keys.time, keys.level, ...Object.values(logging.fields)])];
}

/** One object for every record: the serializers group records by the scope's identity. */
const SCOPE: ReadableLogRecord['instrumentationScope'] = { name: 'beacon-otel', version: BEACON_VERSION };

/** The record of one parsed line. Runs for every line: plain loops and assignments, no spreads. */
export function toLogRecord(fields: Record<string, unknown>, keys: LineKeys, skip: ReadonlySet<string>, resource: Resource, spanContext: SpanContext | undefined, observedMs: number): ReadableLogRecord {
  const level = String(fields[keys.level]);
  const attributes: LogAttributes = {};
  for (const key in fields) {
    const value = fields[key];
    // An empty key is no attribute (the SDK's rule); null is JSON's, not a value OTLP carries.
    if (value === null || key === '' || skip.has(key)) continue;
    if (key === 'err' && typeof value === 'object') Object.assign(attributes, exceptionAttributes(value as Record<string, unknown>));
    else attributes[key] = value as AnyValue;
  }
  const time = fields[keys.time];
  const epochMs = typeof time === 'string' ? Date.parse(time) : NaN;
  return {
    hrTime: millisToHrTime(Number.isNaN(epochMs) ? observedMs : epochMs),
    hrTimeObserved: millisToHrTime(observedMs),
    spanContext,
    severityNumber: SEVERITY[level] ?? SeverityNumber.UNSPECIFIED,
    severityText: level.toUpperCase(),
    body: fields[keys.message] as AnyValue,
    resource,
    instrumentationScope: SCOPE,
    attributes: attributes as Attributes,
    droppedAttributesCount: 0,
  };
}

/** pino's serialised error → the OpenTelemetry exception attributes. */
function exceptionAttributes(err: Record<string, unknown>): LogAttributes {
  return {
    'exception.type': String(err.type ?? 'Error'),
    'exception.message': String(err.message ?? ''),
    ...(typeof err.stack === 'string' ? { 'exception.stacktrace': err.stack } : {}),
  };
}
