/**
 * The 'otlp' output: each serialised line (already redacted) becomes an OpenTelemetry log
 * record — severity, body, attributes, and the trace context active at the log call
 * (pino writes synchronously inside the call, so `context.active()` is the caller's) —
 * batched and sent over OTLP/HTTP (export/otlp-exporters.ts). Loaded only when this output
 * is configured: it brings the logs SDK.
 */
import { type AnyValue, type LogRecord, SeverityNumber, context } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import { LoggerProvider, type LogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { DeliveryQueue } from '../export/delivery-queue.js';
import type { DeliveryAccounts } from '../export/export-accounting.js';
import { otlpExporter } from '../export/otlp-exporters.js';
import type { ResolvedConfig } from '../config/types.js';
import { BEACON_VERSION } from '../version.js';
import { lineKeys } from './formats.js';
import { ReopeningStream, type OutputStream } from './reopening-stream.js';

type Attributes = Record<string, AnyValue>;

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

export async function otlpOutput(logging: ResolvedConfig['logging'], resource: Resource, delivery: DeliveryAccounts): Promise<OutputStream> {
  const provider = new LoggerProvider({ resource, processors: [await otlpLogProcessor(logging, delivery)] });
  const otelLogger = provider.getLogger('beacon-otel', BEACON_VERSION);
  const keys = lineKeys(logging.format);
  const skip = new Set([...NOT_ATTRIBUTES, keys.message, keys.time, keys.level, ...Object.values(logging.fields)]);

  const emit = (line: string) => {
    let fields: Record<string, unknown>;
    try {
      fields = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    otelLogger.emit(toLogRecord(fields, keys.message, keys.time, keys.level, skip));
  };
  // A failed export is the backoff's business, not a reason to turn the output off.
  return new ReopeningStream(
    'otlp',
    { write: emit },
    () => provider.forceFlush().catch(() => undefined),
    () => provider.shutdown().catch(() => undefined),
  );
}

/** The processor that sends records over OTLP, for this output's provider or a NodeSDK's (sdk/node-sdk.ts). */
export async function otlpLogProcessor(logging: ResolvedConfig['logging'], delivery: DeliveryAccounts): Promise<LogRecordProcessor> {
  return new QueuedLogProcessor(await otlpExporter('log', logging.otlp, delivery, { capacity: MAX_PENDING, batchSize: 512, delayMs: 1000 }));
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
function toLogRecord(fields: Record<string, unknown>, messageKey: string, timeKey: string, levelKey: string, skip: ReadonlySet<string>): LogRecord {
  const level = String(fields[levelKey]);
  const attributes: Attributes = {};
  for (const key in fields) {
    const value = fields[key];
    if (value === null || skip.has(key)) continue;
    if (key === 'err' && typeof value === 'object') Object.assign(attributes, exceptionAttributes(value as Record<string, unknown>));
    else attributes[key] = value as AnyValue;
  }
  const record: LogRecord = {
    severityNumber: SEVERITY[level] ?? SeverityNumber.UNSPECIFIED,
    severityText: level.toUpperCase(),
    attributes,
    context: context.active(),
  };
  const time = fields[timeKey];
  const epochMs = typeof time === 'string' ? Date.parse(time) : NaN;
  if (!Number.isNaN(epochMs)) record.timestamp = epochMs;
  if (fields[messageKey] !== undefined) record.body = fields[messageKey] as AnyValue;
  return record;
}

/** pino's serialised error → the OpenTelemetry exception attributes. */
function exceptionAttributes(err: Record<string, unknown>): Attributes {
  return {
    'exception.type': String(err.type ?? 'Error'),
    'exception.message': String(err.message ?? ''),
    ...(typeof err.stack === 'string' ? { 'exception.stacktrace': err.stack } : {}),
  };
}
