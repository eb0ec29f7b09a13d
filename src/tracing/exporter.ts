/**
 * tracing.exporter → a SpanExporter. The OTLP payload code is imported only when the
 * first batch leaves (otlp-http.ts), and only for the chosen protocol.
 */
import { ConsoleSpanExporter, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';
import type { ResolvedConfig } from '../config/types.js';
import { guardedExporter } from '../common/guarded-exporter.js';
import { OtlpHttpExporter } from '../common/otlp-http.js';

export function createSpanExporter(tracing: ResolvedConfig['tracing']): SpanExporter | null {
  switch (tracing.exporter) {
    case 'none':
      return null;
    case 'console':
      return new ConsoleSpanExporter();
    case 'jaeger': // Jaeger ingests OTLP natively on :4318.
    case 'otlp':
      return guardedExporter<ReadableSpan>(new OtlpHttpExporter('span', tracing), { what: 'span', endpoint: tracing.endpoint, deadlineMs: tracing.timeoutMs });
  }
}
