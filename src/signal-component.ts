/**
 * The seam between the composition root and each signal (tracing, metrics, logging): a
 * signal's starter gets the resolved config, the shared resource and the delivery accounts,
 * loads its pipeline only when the config asks for it, and hands back what it built.
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

/**
 * Null when the signal is off. `delivery` receives the account of every exporter the signal
 * builds (a fresh, unreported one when not given); `onActivity` is called when it records
 * something a flush would send (tracing: a span ended), so that the exit hooks flush again.
 */
export type SignalStarter = (
  config: ResolvedConfig,
  resource: Resource,
  delivery?: DeliveryAccounts,
  onActivity?: () => void,
) => Promise<SignalComponent | null>;
