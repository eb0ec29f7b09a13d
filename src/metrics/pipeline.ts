/**
 * The metrics pipeline: one MeterProvider with the configured readers (Prometheus pull,
 * OTLP push, console), views and collectors, registered globally. Readers and collectors
 * that the config does not ask for are never constructed.
 */
import { metrics as otelMetrics } from '@opentelemetry/api';
import {
  ConsoleMetricExporter,
  type IMetricReader,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import type { DeliveryAccounts } from '../export/export-accounting.js';
import { otlpExporter } from '../export/otlp-exporters.js';
import { ignoredRequests } from '../config/ignored-requests.js';
import { stripQuery } from '../http/path-glob.js';
import type { ResolvedConfig } from '../config/types.js';
import type { Resource } from '@opentelemetry/resources';
import { warn } from '../diagnostics.js';
import type { SignalComponent } from '../signal-component.js';
import { BEACON_VERSION } from '../version.js';
import { createAccessPolicy, openEndpointWarning } from './prometheus/access.js';
import { meterProviderChanged } from './api/binding.js';
import { startHostCollector } from './collectors/host.js';
import { startHttpCollector } from './collectors/http.js';
import { startRuntimeCollector } from './collectors/runtime.js';
import { serveMetrics } from './prometheus/serve.js';
import { startExporterHealth } from './collectors/exporter-health.js';
import { setActiveEndpoint } from './prometheus/app-handler.js';
import { GuardedMeterProvider } from './observable-guard.js';
import { PullReader } from './prometheus/pull-reader.js';
import { ScrapeCache } from './prometheus/scrape-cache.js';
import { type EndpointServer, startEndpointServer } from './prometheus/own-server.js';
import { buildViews } from './views.js';

export async function startMetricsPipeline(config: ResolvedConfig, resource: Resource, delivery: DeliveryAccounts): Promise<SignalComponent> {
  const settings = config.metrics;

  const readers: IMetricReader[] = [];
  const destinations: string[] = [];
  const pull = settings.exporters.includes('prometheus') ? new PullReader(settings.cardinalityLimit) : null;
  if (pull) readers.push(pull);
  if (settings.exporters.includes('otlp')) {
    readers.push(periodic(await otlpExporter('metric', settings.otlp, delivery), settings));
    destinations.push(`otlp ${settings.otlp.endpoint} every ${settings.interval}s`);
  }
  if (settings.exporters.includes('console')) {
    readers.push(periodic(new ConsoleMetricExporter(), settings));
    destinations.push(`console every ${settings.interval}s`);
  }

  const provider = new GuardedMeterProvider({ resource, readers, views: buildViews(settings) });
  otelMetrics.setGlobalMeterProvider(provider);
  meterProviderChanged(settings.buckets);

  const stops: (() => void)[] = [];
  const meter = (name: string) => provider.getMeter(`beacon-otel/${name}`, BEACON_VERSION);
  if (settings.collectors.includes('runtime')) stops.push(startRuntimeCollector(meter('runtime')));
  if (settings.collectors.includes('host')) stops.push(startHostCollector(meter('host')));
  if (settings.collectors.includes('http')) stops.push(startHttpCollector(meter('http'), ignoredRequests(config)));
  // Always on with metrics: what Beacon itself delivered and lost is never optional.
  stops.push(startExporterHealth(meter('exporter'), delivery));

  let server: EndpointServer | null = null;
  if (pull) {
    const access = createAccessPolicy(settings.prometheus);
    const cache = new ScrapeCache(pull, settings.prometheus);
    setActiveEndpoint({ cache, access });
    const { host, port, path, jsonPath } = settings.prometheus;
    if (settings.prometheus.server) {
      server = await startEndpointServer(host, port, (request, response) => {
        const pathname = stripQuery(request.url ?? '/');
        const format = pathname === path ? 'prometheus' : jsonPath !== null && pathname === jsonPath ? 'json' : null;
        void serveMetrics(request, response, cache, access, format);
      });
      const shownHost = host.includes(':') ? `[${host}]` : host;
      const url = `http://${shownHost}:${server.port}${path}`;
      destinations.unshift(server.port === null ? `prometheus unavailable (${shownHost}:${port} could not be bound)` : `prometheus ${url}`);
      const openWarning = server.address === null ? null : openEndpointWarning(server.address, url, settings.prometheus);
      if (openWarning) warn(openWarning);
    } else {
      destinations.unshift('prometheus via metricsHandler()');
    }
  }

  return {
    destination: destinations.join(', ') || 'no exporter',
    meterProvider: provider,
    forceFlush: () => provider.forceFlush(),
    async shutdown() {
      for (const stop of stops) stop();
      setActiveEndpoint(null);
      await server?.close();
      await provider.shutdown();
      otelMetrics.disable();
      meterProviderChanged(); // Beacon's instruments turn back into no-ops
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
