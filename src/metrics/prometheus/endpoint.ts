/**
 * The 'prometheus' exporter: the pull reader the MeterProvider collects into and, once the
 * provider holds it, the endpoint that serves it — Beacon's own server, or the app's through
 * metricsHandler(). The metrics pipeline imports this only when the exporter is configured.
 */
import type { ResolvedConfig } from '../../config/types.js';
import { warn } from '../../diagnostics.js';
import { stripQuery } from '../../http/path-glob.js';
import { createAccessPolicy, openEndpointWarning } from './access.js';
import { setActiveEndpoint } from './app-handler.js';
import { startEndpointServer } from './own-server.js';
import { PullReader } from './pull-reader.js';
import { ScrapeCache } from './scrape-cache.js';
import { serveMetrics } from './serve.js';

type Metrics = ResolvedConfig['metrics'];

export interface PrometheusEndpoint {
  /** Where scrapes go, for the start-up line. */
  readonly destination: string;
  close(): Promise<void>;
}

export interface PrometheusOutput {
  readonly reader: PullReader;
  /** Starts serving the reader's collections; called once the MeterProvider holds the reader. */
  serve(): Promise<PrometheusEndpoint>;
}

export function prometheusOutput(settings: Metrics): PrometheusOutput {
  const reader = new PullReader(settings.cardinalityLimit);
  return { reader, serve: () => serve(reader, settings.prometheus) };
}

async function serve(pull: PullReader, prometheus: Metrics['prometheus']): Promise<PrometheusEndpoint> {
  const access = createAccessPolicy(prometheus);
  const cache = new ScrapeCache(pull, prometheus);
  setActiveEndpoint({ cache, access });
  if (!prometheus.server) return { destination: 'prometheus via metricsHandler()', close: async () => setActiveEndpoint(null) };

  const { host, port, path, jsonPath } = prometheus;
  const server = await startEndpointServer(host, port, (request, response) => {
    const pathname = stripQuery(request.url ?? '/');
    const format = pathname === path ? 'prometheus' : jsonPath !== null && pathname === jsonPath ? 'json' : null;
    void serveMetrics(request, response, cache, access, format);
  });
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${server.port}${path}`;
  const openWarning = server.address === null ? null : openEndpointWarning(server.address, url, prometheus);
  if (openWarning) warn(openWarning);
  return {
    destination: server.port === null ? `prometheus unavailable (${shownHost}:${port} could not be bound)` : `prometheus ${url}`,
    async close() {
      setActiveEndpoint(null);
      await server.close();
    },
  };
}
