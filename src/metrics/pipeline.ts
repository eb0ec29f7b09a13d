/**
 * The metrics pipeline: one MeterProvider with the configured readers (Prometheus pull,
 * OTLP push, console), views and collectors, registered globally. Readers and collectors
 * that the config does not ask for are never constructed; the Prometheus endpoint's and the
 * OTLP exporter's code is not even imported then. Readers and collectors are built apart
 * from the provider, so that a NodeSDK (sdk/node-sdk.ts) can be given the same.
 */
import { type MeterProvider, metrics as otelMetrics } from '../otel/api.cjs';
import {
  ConsoleMetricExporter,
  type IMetricReader,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '../otel/sdk-metrics.cjs';
import type { DeliveryAccounts } from '../export/export-accounting.js';
import { otlpExporter } from '../export/otlp-exporters.js';
import { ignoredRequests } from '../config/ignored-requests.js';
import type { ResolvedConfig } from '../config/types.js';
import type { Resource } from '@opentelemetry/resources';
import type { SignalComponent } from '../signal-component.js';
import { BEACON_VERSION } from '../version.js';
import { meterProviderChanged } from './api/binding.js';
import { addBeaconHistograms } from './api/histogram-producer.js';
import { startHostCollector } from './collectors/host.js';
import { startHttpCollector } from './collectors/http.js';
import { startRuntimeCollector } from './collectors/runtime.js';
import { startExporterHealth } from './collectors/exporter-health.js';
import type { PrometheusEndpoint } from './prometheus/endpoint.js';
import { GuardedMeterProvider } from './observable-guard.js';
import { buildViews } from './views.js';

/** The configured readers, unregistered; `serve()` starts the Prometheus endpoint once a provider holds its reader. */
export interface MetricOutputs {
  readonly readers: IMetricReader[];
  /** Where the push readers go, for the start-up line. */
  readonly destinations: string[];
  serve(): Promise<PrometheusEndpoint | undefined>;
}

export async function metricOutputs(settings: ResolvedConfig['metrics'], delivery: DeliveryAccounts): Promise<MetricOutputs> {
  const readers: IMetricReader[] = [];
  const destinations: string[] = [];
  const prometheus = settings.exporters.includes('prometheus') ? (await import('./prometheus/endpoint.js')).prometheusOutput(settings) : null;
  if (prometheus) readers.push(prometheus.reader);
  if (settings.exporters.includes('otlp')) {
    readers.push(periodic(await otlpExporter('metric', settings.otlp, delivery), settings));
    destinations.push(`otlp ${settings.otlp.endpoint}${settings.otlp.protocol === 'grpc' ? ' [grpc]' : ''} every ${settings.interval}s`);
  }
  if (settings.exporters.includes('console')) {
    readers.push(periodic(new ConsoleMetricExporter(), settings));
    destinations.push(`console every ${settings.interval}s`);
  }
  return { readers: readers.map(addBeaconHistograms), destinations, serve: async () => prometheus?.serve() };
}

/**
 * Beacon's collectors on `provider` (and its metrics API bound to the global one); the
 * returned function stops them.
 */
export function startCollectors(provider: MeterProvider, config: ResolvedConfig, delivery: DeliveryAccounts): () => void {
  const settings = config.metrics;
  meterProviderChanged(settings);
  const stops: (() => void)[] = [];
  const scope = (name: string) => ({ name: `beacon-otel/${name}`, version: BEACON_VERSION });
  const meter = (name: string) => provider.getMeter(scope(name).name, BEACON_VERSION);
  if (settings.collectors.includes('runtime')) stops.push(startRuntimeCollector(meter('runtime')));
  if (settings.collectors.includes('host')) stops.push(startHostCollector(meter('host')));
  if (settings.collectors.includes('http')) stops.push(startHttpCollector(meter('http'), scope('http'), ignoredRequests(config)));
  // Always on with metrics: what Beacon itself delivered and lost is never optional.
  stops.push(startExporterHealth(meter('exporter'), delivery));
  return () => {
    for (const stop of stops) stop();
  };
}

export async function startMetricsPipeline(config: ResolvedConfig, resource: Resource, delivery: DeliveryAccounts): Promise<SignalComponent> {
  const settings = config.metrics;
  const { readers, destinations, serve } = await metricOutputs(settings, delivery);
  const provider = new GuardedMeterProvider({ resource, readers, views: buildViews(settings) });
  otelMetrics.setGlobalMeterProvider(provider);
  const stopCollectors = startCollectors(provider, config, delivery);

  const endpoint = await serve();
  if (endpoint) destinations.unshift(endpoint.destination);

  return {
    destination: destinations.join(', ') || 'no exporter',
    meterProvider: provider,
    forceFlush: () => provider.forceFlush(),
    async shutdown() {
      stopCollectors();
      await endpoint?.close();
      await provider.shutdown();
      otelMetrics.disable();
      meterProviderChanged(); // Beacon's instruments report nowhere now
    },
  };
}

function periodic(exporter: PushMetricExporter, settings: ResolvedConfig['metrics']): PeriodicExportingMetricReader {
  const intervalMs = Math.round(settings.interval * 1000);
  return new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: intervalMs,
    // A total deadline per export (the exporter's own timeout is a socket idle timeout).
    exportTimeoutMillis: Math.min(settings.otlp.timeoutMs, intervalMs),
    cardinalityLimits: { default: settings.cardinalityLimit },
  });
}
