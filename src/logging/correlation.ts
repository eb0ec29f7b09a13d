/**
 * Trace correlation: the ids of the active span, read from the OpenTelemetry API at log
 * time. Ids are written for unsampled spans too (they still identify the request in logs);
 * nothing is written outside a span. Added by the line formatter after the logged object
 * was checked, so that a logged `trace_id` can never stand in for the real one.
 */
import { type SpanContext, context, isSpanContextValid, trace } from '../otel/api.cjs';
import type { LogFormat, ResolvedConfig } from '../config/types.js';

/** The correlation fields for the active span, as a fresh object; null outside a span. */
export type Correlation = () => Record<string, unknown> | null;

/** `01` / `00`, as W3C traceparent writes flags (and as the pino instrumentation does). */
function flagsText(flags: number): string {
  return flags.toString(16).padStart(2, '0');
}

interface SpanIds {
  readonly traceId: string;
  readonly spanId: string;
  readonly flags: string;
}

/**
 * The active span's ids, checked and formatted once per span context: a request's lines
 * share one, and checking an id pair (two regular expressions) with the flags' text was
 * ~0.3 µs of each line. A span context is immutable (the API's type is read-only, and a span
 * hands out the same object for its whole life), so its identity stands for its ids.
 */
function activeSpanIds(): () => SpanIds | null {
  let last: SpanContext | undefined;
  let ids: SpanIds | null = null;
  return () => {
    const span = trace.getSpan(context.active())?.spanContext();
    if (span === undefined) return null;
    if (span !== last) {
      last = span;
      ids = isSpanContextValid(span) ? { traceId: span.traceId, spanId: span.spanId, flags: flagsText(span.traceFlags) } : null;
    }
    return ids;
  };
}

export function correlationFields(format: LogFormat, fields: ResolvedConfig['logging']['fields']): Correlation {
  const active = activeSpanIds();
  if (format === 'ecs') {
    return () => {
      const ids = active();
      return ids === null ? null : { 'trace.id': ids.traceId, 'span.id': ids.spanId };
    };
  }
  const { traceId, spanId, traceFlags } = fields;
  return () => {
    const ids = active();
    return ids === null ? null : { [traceId]: ids.traceId, [spanId]: ids.spanId, [traceFlags]: ids.flags };
  };
}
