/**
 * metrics → a MeterProvider with the configured readers and collectors, or null when
 * metrics are off. The SDK and exporter packages (~70 ms to import) load only when on.
 */
import type { SignalStarter } from '../signal.js';

export const startMetrics: SignalStarter = async (config, resource) => {
  if (!config.metrics.enabled) return null;
  const { startMetricsPipeline } = await import('./pipeline.js');
  return startMetricsPipeline(config, resource);
};
