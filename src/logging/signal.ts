/**
 * logging → the configured outputs installed behind `logger`/`createLogger`. Until this
 * runs (or without it) those loggers write structured JSON to stdout (logger.ts); the
 * pipeline and what its outputs need load only here.
 */
import { DeliveryAccounts } from '../export/export-accounting.js';
import type { SignalStarter } from '../signal-component.js';

export const startLogging: SignalStarter = async (config, resource, delivery) => {
  const { startLoggingPipeline } = await import('./pipeline.js');
  return startLoggingPipeline(config, resource, delivery ?? new DeliveryAccounts());
};
