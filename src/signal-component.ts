/**
 * The seam between the composition root and each signal module (metrics, logging): a
 * module gets the resolved config, the shared resource and the delivery accounts, and hands
 * back what it built.
 */
import type { MeterProvider } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { DeliveryAccounts } from './export/export-accounting.js';
import type { ResolvedConfig } from './config/types.js';

export interface SignalComponent {
  /** Where this signal goes, for the start-up line, secrets redacted. */
  readonly destination: string;
  /** Set by the metrics module; given to instrumentations so that they record metrics. */
  readonly meterProvider?: MeterProvider;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** `delivery` receives the account of every exporter the module builds (a fresh, unreported one when not given). */
export type SignalStarter = (config: ResolvedConfig, resource: Resource, delivery?: DeliveryAccounts) => Promise<SignalComponent | null>;
