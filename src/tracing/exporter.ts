/**
 * tracing.exporter → the span processor that sends spans on. OTLP (and Jaeger, which ingests
 * OTLP natively on :4318) goes through Beacon's delivery queue with every span counted
 * (export/otlp-exporters.ts); its code loads only when that is the exporter chosen.
 */
import { TraceFlags } from '../otel/api.cjs';
import { BatchSpanProcessor, ConsoleSpanExporter, type ReadableSpan, type SpanProcessor } from '../otel/sdk-trace.cjs';
import type { ResolvedConfig } from '../config/types.js';
import type { DeliveryQueue } from '../export/delivery-queue.js';
import type { DeliveryAccounts } from '../export/export-accounting.js';
import { otlpExporter } from '../export/otlp-exporters.js';
import type { OtlpTarget } from '../export/otlp-target.js';

export async function createSpanProcessor(tracing: ResolvedConfig['tracing'], target: OtlpTarget, delivery: DeliveryAccounts): Promise<SpanProcessor | null> {
  const { maxQueueSize, maxExportBatchSize, scheduledDelayMs } = tracing.batch;
  switch (tracing.exporter) {
    case 'none':
      return null;
    case 'console': // nothing leaves the process: nothing to hold back or count
      return new BatchSpanProcessor({ exporter: new ConsoleSpanExporter(), maxQueueSize, maxExportBatchSize: Math.min(maxExportBatchSize, maxQueueSize), scheduledDelayMillis: scheduledDelayMs });
    case 'jaeger':
    case 'otlp':
      return new QueuedSpanProcessor(await otlpExporter('span', target, delivery, { capacity: maxQueueSize, batchSize: maxExportBatchSize, delayMs: scheduledDelayMs }));
  }
}

/** Sampled spans, once ended, into the delivery queue. */
class QueuedSpanProcessor implements SpanProcessor {
  constructor(private readonly queue: DeliveryQueue<ReadableSpan>) {}

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    if (span.spanContext().traceFlags & TraceFlags.SAMPLED) this.queue.add(span);
  }

  forceFlush(): Promise<void> {
    return this.queue.flush();
  }

  shutdown(): Promise<void> {
    return this.queue.shutdown();
  }
}
