/**
 * Instruments created through Beacon's API before the SDK is up must not throw and must
 * start recording once it is: the OTel metrics API has no proxy meter (a meter taken before
 * a provider is registered stays a no-op forever). Each Beacon instrument registers a
 * `bind` that (re)creates what it reports through from the current global provider and
 * starts its series afresh; setup calls `meterProviderChanged()` once the provider is
 * registered and again after shutdown. The hot path then is a plain field read, with no
 * per-call check.
 */
import { type Meter, metrics } from '../../otel/api.cjs';
import type { ResolvedConfig } from '../../config/types.js';

export const METER_NAME = 'beacon-otel/metrics';

/** What Beacon's instruments take from the config. */
export type MeterSettings = Pick<ResolvedConfig['metrics'], 'buckets' | 'views' | 'cardinalityLimit'>;

const binders = new Set<() => void>();
let settings: MeterSettings | undefined;

/** Calls `bind` now and after every provider change, until the returned function is called. */
export function onMeterProvider(bind: () => void): () => void {
  binders.add(bind);
  bind();
  return () => binders.delete(bind);
}

/** `next`: the provider registered with this config; none: it was shut down. */
export function meterProviderChanged(next?: MeterSettings): void {
  settings = next;
  for (const bind of binders) bind();
}

export function currentMeter(name: string, version?: string): Meter {
  return metrics.getMeter(name, version);
}

/** The config's metric settings while a provider is up. */
export function meterSettings(): MeterSettings | undefined {
  return settings;
}

/** The config's; with no provider (recorded values go nowhere), the SDK's default, so that a label leak stays bounded. */
export function cardinalityLimit(): number {
  return settings?.cardinalityLimit ?? 2000;
}
