/**
 * The instrumentations the config enables, enabled once per process: by the --require start
 * before the app's first line (the patches must be in place before the app requires what they
 * patch, and a preload cannot wait for the signals), otherwise by the composition root once
 * the signals are up. Spans they start before the tracer provider is registered go through
 * the API's proxy; the meter provider is handed over when metrics are up.
 */
import type { MeterProvider } from '@opentelemetry/api';
import { registerInstrumentations } from '../otel/instrumentation.cjs';
import type { ResolvedConfig } from '../config/types.js';
import { type InstrumentationPlan, createInstrumentations } from '../instrumentations/load.js';
import { serverDurations } from '../metrics/collectors/http-server-duration.js';
import { secretMatcher } from '../secrets.js';

export interface EnabledInstrumentations {
  readonly plan: InstrumentationPlan;
  disable(): void;
}

let enabled: EnabledInstrumentations | null = null;

export function enableInstrumentations(config: ResolvedConfig, appDirs: readonly string[], meterProvider?: MeterProvider): EnabledInstrumentations {
  if (enabled) {
    if (meterProvider) for (const instrumentation of enabled.plan.instrumentations) instrumentation.setMeterProvider(meterProvider);
    return enabled;
  }
  const plan = createInstrumentations(config, appDirs, secretMatcher(config.privacy.secretKeys), { durations: serverDurations(config) });
  const disable = registerInstrumentations({ instrumentations: plan.instrumentations, ...(meterProvider ? { meterProvider } : {}) });
  enabled = {
    plan,
    disable() {
      disable();
      enabled = null;
    },
  };
  return enabled;
}
