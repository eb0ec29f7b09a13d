/**
 * tracing.propagators → one composite propagator (W3C trace context and baggage by default).
 */
import type { TextMapPropagator } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '../otel/core.cjs';
import type { ResolvedConfig } from '../config/types.js';

export async function createPropagator(names: ResolvedConfig['tracing']['propagators']): Promise<TextMapPropagator | null> {
  const propagators: TextMapPropagator[] = [];
  for (const name of names) {
    if (name === 'tracecontext') propagators.push(new W3CTraceContextPropagator());
    else if (name === 'baggage') propagators.push(new W3CBaggagePropagator());
    else if (name === 'b3' || name === 'b3multi') {
      const { B3Propagator, B3InjectEncoding } = await import('../otel/propagator-b3.cjs');
      propagators.push(new B3Propagator({ injectEncoding: name === 'b3' ? B3InjectEncoding.SINGLE_HEADER : B3InjectEncoding.MULTI_HEADER }));
    }
  }
  return propagators.length === 0 ? null : new CompositePropagator({ propagators });
}
