/**
 * metrics → a MeterProvider with the configured readers and collectors, or null when
 * metrics are off. The SDK and exporter packages (~70 ms to import) load only when on.
 */
import { DeliveryAccounts } from '../export/export-accounting.js';
import type { SignalStarter } from '../signal-component.js';

export const startMetrics: SignalStarter = async (config, resource, delivery) => {
  if (!config.metrics.enabled) return null;
  const { startMetricsPipeline } = await import('./pipeline.js');
  return startMetricsPipeline(config, resource, delivery ?? new DeliveryAccounts());
};
