/**
 * The 'otlp' output: each serialised line (already redacted) becomes an OpenTelemetry log
 * record (otlp-record.ts) with the trace context active at the log call (pino writes
 * synchronously inside the call, so `context.active()` is the caller's), batched and sent
 * over OTLP (export/otlp-exporters.ts). The log call only queues the line and its context;
 * the records are made and serialised in a worker thread (otlp-encoder.ts). Loaded only when
 * this output is configured.
 */
import type { Resource } from '@opentelemetry/resources';
import type { LogRecordProcessor, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { DeliveryQueue } from '../export/delivery-queue.js';
import type { DeliveryAccounts } from '../export/export-accounting.js';
import { type Batching, otlpExporter } from '../export/otlp-exporters.js';
import type { ResolvedConfig } from '../config/types.js';
import { perActiveSpan } from './active-span.js';
import { lineKeys } from './formats.js';
import { LineEncoder, encoderSetup } from './otlp-encoder.js';
import { type LogLine, notAttributes } from './otlp-record.js';
import { ReopeningStream, type OutputStream } from './reopening-stream.js';

/** At most 20,000 records wait for export; beyond it the oldest make room, counted (`queue_full`). */
const QUEUE = { capacity: 20_000, delayMs: 1000 };
/**
 * The lines go in batches of up to 2,048, fewer where their text passes 2 MiB (characters,
 * about bytes for JSON): below the 4 MiB a gRPC collector takes by default and the 20 MiB of
 * its HTTP receiver. Each request costs the app's thread something whatever its size (the
 * encoder's round trip, the HTTP exchange, the export's accounting): at ~120,000 lines a
 * second, batches of 512 took ~12 % more of that thread's CPU per line than batches of 2,048,
 * and exported 30 % fewer lines (the rest dropped for room).
 */
const LINE_BATCHING: Batching<LogLine> = { ...QUEUE, batchSize: 2048, batchWeight: { of: ({ line }) => line.length, max: 2 * 1024 * 1024 } };
/** Records from a NodeSDK's loggers: the SDK's own batch size. */
const RECORD_BATCHING: Batching = { ...QUEUE, batchSize: 512 };

export async function otlpOutput(logging: ResolvedConfig['logging'], resource: Resource, delivery: DeliveryAccounts): Promise<OutputStream> {
  const keys = lineKeys(logging.format);
  const skip = notAttributes(logging, keys);
  const encoder = new LineEncoder(() => encoderSetup(keys, skip, logging.otlp.protocol === 'http/json', resource));
  const queue = await otlpExporter<LogLine>('log', logging.otlp, delivery, LINE_BATCHING, encoder);
  const activeSpanContext = perActiveSpan((span) => span);
  const emit = (line: string) => queue.add({ line, spanContext: activeSpanContext(), observedMs: Date.now() });
  // A failed export is the backoff's business, not a reason to turn the output off.
  return new ReopeningStream(
    'otlp',
    { write: emit },
    () => queue.flush().catch(() => undefined),
    () => queue.shutdown().catch(() => undefined),
  );
}

/** The processor that sends records over OTLP, for this output's provider or a NodeSDK's (sdk/node-sdk.ts). */
export async function otlpLogProcessor(logging: ResolvedConfig['logging'], delivery: DeliveryAccounts): Promise<LogRecordProcessor> {
  return new QueuedLogProcessor(await otlpExporter('log', logging.otlp, delivery, RECORD_BATCHING));
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
