/**
 * Trace correlation: the ids of the active span, read from the OpenTelemetry API at log
 * time. Ids are written for unsampled spans too (they still identify the request in logs);
 * nothing is written outside a span. The ids go into the line as a JSON fragment after the
 * time, serialised once per span context: a request's lines share one, and building,
 * merging and serialising three fields per line was ~1.7 µs, a quarter of a log call.
 * Reserved names (reserved.ts) keep a logged `trace_id` from standing beside the real one.
 */
import type { LogFormat, ResolvedConfig } from '../config/types.js';
import { perActiveSpan } from './active-span.js';

/** The correlation fields of the active span as a JSON fragment (`,"trace_id":"…",…`); '' outside a span. */
export type Correlation = () => string;

/** `01` / `00`, as W3C traceparent writes flags (and as the pino instrumentation does). */
function flagsText(flags: number): string {
  return flags.toString(16).padStart(2, '0');
}

/** `,"name":"value"` for each pair, as pino writes a field after the first. */
function fragment(fields: readonly (readonly [string, string])[]): string {
  return fields.map(([name, value]) => `,${JSON.stringify(name)}:${JSON.stringify(value)}`).join('');
}

export function correlationFields(format: LogFormat, fields: ResolvedConfig['logging']['fields']): Correlation {
  const active = perActiveSpan(({ traceId, spanId, traceFlags }) =>
    format === 'ecs'
      ? fragment([['trace.id', traceId], ['span.id', spanId]])
      : fragment([[fields.traceId, traceId], [fields.spanId, spanId], [fields.traceFlags, flagsText(traceFlags)]]),
  );
  return () => active() ?? '';
}
