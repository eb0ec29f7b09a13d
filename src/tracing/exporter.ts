/**
 * tracing.exporter → a SpanExporter. Exporter packages are imported only when chosen (an
 * app that sends protobuf never loads the JSON exporter) and only when the first batch leaves.
 */
import { ConsoleSpanExporter, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';
import type { ResolvedConfig } from '../config/types.js';
import type { DeliveryAccounts, ExportAccount } from '../common/export-accounting.js';
import { guardedExporter } from '../common/guarded-exporter.js';
import { LazySpanExporter } from './lazy-exporter.js';

export interface SpanExport {
  exporter: SpanExporter;
  /** What the exporter delivers, counted; null for the console exporter (nothing leaves the process). */
  account: ExportAccount | null;
}

export function createSpanExporter(tracing: ResolvedConfig['tracing'], delivery: DeliveryAccounts): SpanExport | null {
  switch (tracing.exporter) {
    case 'none':
      return null;
    case 'console':
      return { exporter: new ConsoleSpanExporter(), account: null };
    case 'jaeger': // Jaeger ingests OTLP natively on :4318.
    case 'otlp': {
      const options = {
        url: tracing.endpoint,
        headers: { ...tracing.headers },
        timeoutMillis: tracing.timeoutMs,
      };
      const exporter = new LazySpanExporter(async () =>
        tracing.protocol === 'http/json'
          ? new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter(options)
          : new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter(options),
      );
      const account = delivery.open('spans', tracing.batch.maxQueueSize);
      const guarded = guardedExporter<ReadableSpan>(exporter, { what: 'span', endpoint: tracing.endpoint, deadlineMs: tracing.timeoutMs, account });
      return { exporter: guarded, account };
    }
  }
}
