/**
 * tracing → a TracerProvider registered globally, or null when tracing is off. The SDK and
 * what sends spans on load only when on.
 */
import { DeliveryAccounts } from '../export/export-accounting.js';
import type { SignalStarter } from '../signal-component.js';

export const startTracing: SignalStarter = async (config, resource, delivery, onActivity) => {
  if (!config.tracing.enabled) return null;
  const { startTracingPipeline } = await import('./pipeline.js');
  return startTracingPipeline(config, resource, delivery ?? new DeliveryAccounts(), onActivity ?? (() => undefined));
};
