/**
 * The 'otlp' output: each serialised line (already redacted) becomes an OpenTelemetry log
 * record — severity, body, attributes, and the trace context active at the log call
 * (pino writes synchronously inside the call, so `context.active()` is the caller's) —
 * batched and sent over OTLP/HTTP (export/otlp-exporters.ts). Loaded only when this output
 * is configured.
 *
 * The record is built here, as the plain object the exporters read, not by the logs SDK's
 * Logger: that one copies and re-validates every attribute of a line JSON.parse has just made
 * (~1 µs a line on the app's thread), and caps a line at 128 fields where this output keeps
 * every field the app logs.
 */
import { type AnyValue, type Attributes, type SpanContext, SeverityNumber, context, isSpanContextValid, trace } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { LogRecordProcessor, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { DeliveryQueue } from '../export/delivery-queue.js';
import type { DeliveryAccounts } from '../export/export-accounting.js';
import { otlpExporter } from '../export/otlp-exporters.js';
import type { ResolvedConfig } from '../config/types.js';
import { BEACON_VERSION } from '../version.js';
import { type LineKeys, lineKeys } from './formats.js';
import { ReopeningStream, type OutputStream } from './reopening-stream.js';

/** A record's attributes: the exporters write maps and lists too, as they do for the SDK's records. */
type LogAttributes = Record<string, AnyValue>;

/** Records waiting for export, at most; beyond it the oldest make room, counted (`queue_full`). */
const MAX_PENDING = 20_000;

const SEVERITY: Record<string, SeverityNumber> = {
  trace: SeverityNumber.TRACE,
  debug: SeverityNumber.DEBUG,
  info: SeverityNumber.INFO,
  warn: SeverityNumber.WARN,
  error: SeverityNumber.ERROR,
  fatal: SeverityNumber.FATAL,
};

/** Fields carried by the resource or the record's own slots, not repeated as attributes. */
const NOT_ATTRIBUTES = new Set([
  'service', 'version', 'environment', 'hostname', 'pid',
  'ecs.version', 'service.name', 'service.version', 'service.environment', 'event.dataset',
  'process.pid', 'host.hostname', 'trace.id', 'span.id',
]);

/** One object for every record: the exporters group records by the scope's identity. */
const SCOPE: ReadableLogRecord['instrumentationScope'] = { name: 'beacon-otel', version: BEACON_VERSION };

export async function otlpOutput(logging: ResolvedConfig['logging'], resource: Resource, delivery: DeliveryAccounts): Promise<OutputStream> {
  const queue = await logQueue(logging, delivery);
  const keys = lineKeys(logging.format);
  const skip = new Set([...NOT_ATTRIBUTES, keys.message, keys.time, keys.level, ...Object.values(logging.fields)]);

  const emit = (line: string) => {
    let fields: Record<string, unknown>;
    try {
      fields = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    queue.add(toLogRecord(fields, keys, skip, resource));
  };
  // A failed export is the backoff's business, not a reason to turn the output off.
  return new ReopeningStream(
    'otlp',
    { write: emit },
    () => queue.flush().catch(() => undefined),
    () => queue.shutdown().catch(() => undefined),
  );
}

function logQueue(logging: ResolvedConfig['logging'], delivery: DeliveryAccounts): Promise<DeliveryQueue<ReadableLogRecord>> {
  return otlpExporter('log', logging.otlp, delivery, { capacity: MAX_PENDING, batchSize: 512, delayMs: 1000 });
}

/** The processor that sends records over OTLP, for this output's provider or a NodeSDK's (sdk/node-sdk.ts). */
export async function otlpLogProcessor(logging: ResolvedConfig['logging'], delivery: DeliveryAccounts): Promise<LogRecordProcessor> {
  return new QueuedLogProcessor(await logQueue(logging, delivery));
}

/** Emitted records into the delivery queue. */
class QueuedLogProcessor implements LogRecordProcessor {
  constructor(private readonly queue: DeliveryQueue<ReadableLogRecord>) {}

  onEmit(record: ReadableLogRecord): void {
    this.queue.add(record);
  }

  forceFlush(): Promise<void> {
    return this.queue.flush();
  }

  shutdown(): Promise<void> {
    return this.queue.shutdown();
  }
}

// Runs for every line on the app's thread: plain loops and assignments, no spreads or Date objects.
function toLogRecord(fields: Record<string, unknown>, keys: LineKeys, skip: ReadonlySet<string>, resource: Resource): ReadableLogRecord {
  const level = String(fields[keys.level]);
  const attributes: LogAttributes = {};
  for (const key in fields) {
    const value = fields[key];
    // An empty key is no attribute (the SDK's rule); null is JSON's, not a value OTLP carries.
    if (value === null || key === '' || skip.has(key)) continue;
    if (key === 'err' && typeof value === 'object') Object.assign(attributes, exceptionAttributes(value as Record<string, unknown>));
    else attributes[key] = value as AnyValue;
  }
  const now = Date.now();
  const time = fields[keys.time];
  const epochMs = typeof time === 'string' ? Date.parse(time) : NaN;
  return {
    hrTime: millisToHrTime(Number.isNaN(epochMs) ? now : epochMs),
    hrTimeObserved: millisToHrTime(now),
    spanContext: activeSpanContext(),
    severityNumber: SEVERITY[level] ?? SeverityNumber.UNSPECIFIED,
    severityText: level.toUpperCase(),
    body: fields[keys.message] as AnyValue,
    resource,
    instrumentationScope: SCOPE,
    attributes: attributes as Attributes,
    droppedAttributesCount: 0,
  };
}

function activeSpanContext(): SpanContext | undefined {
  const span = trace.getSpanContext(context.active());
  return span && isSpanContextValid(span) ? span : undefined;
}

/** pino's serialised error → the OpenTelemetry exception attributes. */
function exceptionAttributes(err: Record<string, unknown>): LogAttributes {
  return {
    'exception.type': String(err.type ?? 'Error'),
    'exception.message': String(err.message ?? ''),
    ...(typeof err.stack === 'string' ? { 'exception.stacktrace': err.stack } : {}),
  };
}
