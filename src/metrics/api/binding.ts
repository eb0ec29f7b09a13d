/**
 * Instruments created through Beacon's API before the SDK is up must not throw and must
 * start recording once it is: the OTel metrics API has no proxy meter (a meter taken before
 * a provider is registered stays a no-op forever). Each Beacon instrument registers a
 * `bind` that (re)creates its OTel instrument from the current global provider; setup calls
 * `meterProviderChanged()` once the provider is registered and again after shutdown. The
 * hot path then is a plain field read, with no per-call check.
 */
import { type Meter, metrics } from '@opentelemetry/api';

const binders = new Set<() => void>();
let histogramBuckets: readonly number[] | undefined;

/** Calls `bind` now and after every provider change. */
export function onMeterProvider(bind: () => void): void {
  binders.add(bind);
  bind();
}

export function meterProviderChanged(defaultBuckets?: readonly number[]): void {
  histogramBuckets = defaultBuckets;
  for (const bind of binders) bind();
}

export function currentMeter(name: string, version?: string): Meter {
  return metrics.getMeter(name, version);
}

/** The configured default histogram buckets (metrics.buckets), once the SDK is up. */
export function defaultHistogramBuckets(): readonly number[] | undefined {
  return histogramBuckets;
}
