/**
 * The seam between the composition root and each signal module (metrics, logging): a
 * module gets the resolved config and the shared resource, and hands back what it built.
 */
import type { MeterProvider } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ResolvedConfig } from './config/types.js';

export interface SignalComponent {
  /** Where this signal goes, for the start-up line, secrets redacted. */
  readonly destination: string;
  /** Set by the metrics module; given to instrumentations so that they record metrics. */
  readonly meterProvider?: MeterProvider;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

export type SignalStarter = (config: ResolvedConfig, resource: Resource) => Promise<SignalComponent | null>;
