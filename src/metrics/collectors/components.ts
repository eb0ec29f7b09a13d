/**
 * The 'components' metrics: calls, errors, duration and calls in flight per component and
 * method. OTel names `component.calls` / `component.errors` / `component.duration` /
 * `component.active_calls`; Prometheus shows `component_calls_total`,
 * `component_errors_total`, `component_duration_seconds`, `component_active_calls`.
 */
import type { Attributes, Counter, Histogram } from '@opentelemetry/api';
import { currentMeter, meterSettings, onMeterProvider } from '../api/binding.js';
import { ObservedSeries, type SeriesEntry } from '../api/series.js';

export const COMPONENTS_METER = 'beacon-otel/components';

let calls!: Counter;
let errors!: Counter;
let duration!: Histogram;
// Counted in plain numbers and read at collection, as HTTP's in-flight requests are: two SDK
// updates per call would cost more than the call's other metrics.
const inFlight = new ObservedSeries();

onMeterProvider(() => {
  const meter = currentMeter(COMPONENTS_METER);
  calls = meter.createCounter('component.calls', { unit: '{call}', description: 'Calls of instrumented component methods.' });
  errors = meter.createCounter('component.errors', { unit: '{call}', description: 'Calls of instrumented component methods that threw or rejected.' });
  const buckets = meterSettings()?.buckets;
  duration = meter.createHistogram('component.duration', {
    unit: 's',
    description: 'Duration of instrumented component method calls.',
    ...(buckets ? { advice: { explicitBucketBoundaries: [...buckets] } } : {}),
  });
  meter
    .createObservableUpDownCounter('component.active_calls', { unit: '{call}', description: 'Calls of instrumented component methods in flight.' })
    .addCallback(inFlight.observe);
});

/** The in-flight count of one component method: the caller adds 1 when a call starts and takes it off when it ends. */
export function componentCallsInFlight(labels: Attributes & { component: string; method: string }): SeriesEntry {
  return inFlight.cell(labels)!;
}

export function recordComponentCall(labels: Attributes, seconds: number, errorType: string | null): void {
  calls.add(1, labels);
  duration.record(seconds, labels);
  if (errorType !== null) errors.add(1, { ...labels, 'error.type': errorType });
}
