/**
 * Trace correlation: a pino mixin that reads the active span from the OpenTelemetry API
 * at log time. Ids are written for unsampled spans too (they still identify the request
 * in logs); nothing is written outside a span.
 */
import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import type { LogFormat, ResolvedConfig } from '../config/types.js';

export type Mixin = () => Record<string, unknown>;

/** `01` / `00`, as W3C traceparent writes flags (and as the pino instrumentation does). */
function flagsText(flags: number): string {
  return flags.toString(16).padStart(2, '0');
}

export function correlationMixin(format: LogFormat, fields: ResolvedConfig['logging']['fields']): Mixin {
  const { traceId, spanId, traceFlags } = fields;
  // pino merges the mixin's result into a new object it owns, so a fresh object per call.
  if (format === 'ecs') {
    return () => {
      const span = trace.getSpan(context.active())?.spanContext();
      if (!span || !isSpanContextValid(span)) return {};
      return { 'trace.id': span.traceId, 'span.id': span.spanId };
    };
  }
  return () => {
    const span = trace.getSpan(context.active())?.spanContext();
    if (!span || !isSpanContextValid(span)) return {};
    return { [traceId]: span.traceId, [spanId]: span.spanId, [traceFlags]: flagsText(span.traceFlags) };
  };
}
