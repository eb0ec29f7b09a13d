/**
 * The 'components' metrics: calls, errors and duration per component and method. OTel
 * names `component.calls` / `component.errors` / `component.duration`; Prometheus shows
 * `component_calls_total`, `component_errors_total`, `component_duration_seconds`.
 */
import type { Attributes, Counter, Histogram } from '@opentelemetry/api';
import { currentMeter, defaultHistogramBuckets, onMeterProvider } from '../api/binding.js';

export const COMPONENTS_METER = 'beacon-otel/components';

let calls!: Counter;
let errors!: Counter;
let duration!: Histogram;

onMeterProvider(() => {
  const meter = currentMeter(COMPONENTS_METER);
  calls = meter.createCounter('component.calls', { unit: '{call}', description: 'Calls of instrumented component methods.' });
  errors = meter.createCounter('component.errors', { unit: '{call}', description: 'Calls of instrumented component methods that threw or rejected.' });
  const buckets = defaultHistogramBuckets();
  duration = meter.createHistogram('component.duration', {
    unit: 's',
    description: 'Duration of instrumented component method calls.',
    ...(buckets ? { advice: { explicitBucketBoundaries: [...buckets] } } : {}),
  });
});

export function recordComponentCall(labels: Attributes, seconds: number, errorType: string | null): void {
  calls.add(1, labels);
  duration.record(seconds, labels);
  if (errorType !== null) errors.add(1, { ...labels, 'error.type': errorType });
}
