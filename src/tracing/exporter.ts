/**
 * tracing.exporter → a SpanExporter. Exporter packages are imported only when chosen (an
 * app that sends protobuf never loads the JSON exporter) and only when the first batch leaves.
 */
import { ConsoleSpanExporter, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';
import type { ResolvedConfig } from '../config/types.js';
import { guardedExporter } from '../common/guarded-exporter.js';
import { LazySpanExporter } from './lazy-exporter.js';

export function createSpanExporter(tracing: ResolvedConfig['tracing']): SpanExporter | null {
  switch (tracing.exporter) {
    case 'none':
      return null;
    case 'console':
      return new ConsoleSpanExporter();
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
      return guardedExporter<ReadableSpan>(exporter, { what: 'span', endpoint: tracing.endpoint, deadlineMs: tracing.timeoutMs });
    }
  }
}
