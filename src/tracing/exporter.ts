/**
 * tracing.exporter → the span processor that sends spans on. OTLP (and Jaeger, which ingests
 * OTLP natively on :4318) goes through Beacon's delivery queue with every span counted; the
 * OTLP payload code is imported only when the first batch leaves (otlp-http.ts), and only for
 * the chosen protocol.
 */
import { TraceFlags } from '@opentelemetry/api';
import { BatchSpanProcessor, ConsoleSpanExporter, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace';
import type { ResolvedConfig } from '../config/types.js';
import type { DeliveryQueue } from '../export/delivery-queue.js';
import type { DeliveryAccounts } from '../export/export-accounting.js';
import { guardedDelivery } from '../export/delivery.js';
import { OtlpHttpExporter } from '../export/otlp-http.js';

export function createSpanProcessor(tracing: ResolvedConfig['tracing'], delivery: DeliveryAccounts): SpanProcessor | null {
  const { maxQueueSize, maxExportBatchSize, scheduledDelayMs } = tracing.batch;
  switch (tracing.exporter) {
    case 'none':
      return null;
    case 'console': // nothing leaves the process: nothing to hold back or count
      return new BatchSpanProcessor({ exporter: new ConsoleSpanExporter(), maxQueueSize, maxExportBatchSize: Math.min(maxExportBatchSize, maxQueueSize), scheduledDelayMillis: scheduledDelayMs });
    case 'jaeger':
    case 'otlp': {
      const queue = guardedDelivery<ReadableSpan>(new OtlpHttpExporter('span', tracing.otlp), {
        what: 'span',
        endpoint: tracing.otlp.endpoint,
        deadlineMs: tracing.otlp.timeoutMs,
        account: delivery.open('spans', maxQueueSize),
        batchSize: maxExportBatchSize,
        delayMs: scheduledDelayMs,
      });
      return new QueuedSpanProcessor(queue);
    }
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
