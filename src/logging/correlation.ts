/**
 * Trace correlation: the ids of the active span, read from the OpenTelemetry API at log
 * time. Ids are written for unsampled spans too (they still identify the request in logs);
 * nothing is written outside a span. Added by the line formatter after the logged object
 * was checked, so that a logged `trace_id` can never stand in for the real one.
 */
import type { LogFormat, ResolvedConfig } from '../config/types.js';
import { perActiveSpan } from './active-span.js';

/** The correlation fields for the active span, as a fresh object; null outside a span. */
export type Correlation = () => Record<string, unknown> | null;

/** `01` / `00`, as W3C traceparent writes flags (and as the pino instrumentation does). */
function flagsText(flags: number): string {
  return flags.toString(16).padStart(2, '0');
}

export function correlationFields(format: LogFormat, fields: ResolvedConfig['logging']['fields']): Correlation {
  const active = perActiveSpan(({ traceId, spanId, traceFlags }) => ({ traceId, spanId, flags: flagsText(traceFlags) }));
  if (format === 'ecs') {
    return () => {
      const ids = active();
      return ids === undefined ? null : { 'trace.id': ids.traceId, 'span.id': ids.spanId };
    };
  }
  const { traceId, spanId, traceFlags } = fields;
  return () => {
    const ids = active();
    return ids === undefined ? null : { [traceId]: ids.traceId, [spanId]: ids.spanId, [traceFlags]: ids.flags };
  };
}
