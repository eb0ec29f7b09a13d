/**
 * The scrape cost of the Prometheus endpoint: Beacon's serializer against upstream's
 * PrometheusSerializer on the same collected data, the shape a busy service exposes (HTTP
 * server duration histograms over 40 routes × 2 methods × 4 statuses with the default
 * seconds buckets, plus counters and gauges). Rounds interleave the two; medians per scrape.
 */
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { DEFAULT_DURATION_BUCKETS } from '../src/config/defaults.js';
import { type PrometheusMetrics, toPrometheusNames } from '../src/metrics/prometheus/names.js';
import { PrometheusText } from '../src/metrics/prometheus/text.js';
import { CollectingReader } from '../test/helpers/collecting-reader.js';
import { median } from './stats.js';

async function busyServiceMetrics(): Promise<PrometheusMetrics> {
  const reader = new CollectingReader();
  const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'bench', 'service.version': '1.0.0' }), readers: [reader] });
  const meter = provider.getMeter('bench');
  const duration = meter.createHistogram('http.server.request.duration', { unit: 's', advice: { explicitBucketBoundaries: DEFAULT_DURATION_BUCKETS } });
  const bodySize = meter.createHistogram('http.server.request.body.size', { unit: 'By' });
  const calls = meter.createCounter('component.calls');
  const active = meter.createUpDownCounter('http.server.active_requests');
  for (let route = 0; route < 40; route++) {
    for (const method of ['GET', 'POST']) {
      for (const status of [200, 201, 404, 500]) {
        const attributes = { 'http.request.method': method, 'http.route': `/api/v1/resource${route}/:id`, 'http.response.status_code': status, 'url.scheme': 'http', 'network.protocol.version': '1.1' };
        for (let i = 0; i < 5; i++) duration.record(Math.random() * 0.3, attributes);
        bodySize.record(512, { 'http.request.method': method, 'http.response.status_code': status });
        calls.add(1, { component: `Service${route}`, method: method.toLowerCase() });
        active.add(1, { 'http.request.method': method, 'url.scheme': 'http' });
      }
    }
  }
  const { resourceMetrics } = await reader.collect();
  await provider.shutdown();
  return toPrometheusNames(resourceMetrics);
}

export interface ScrapeResult {
  bytes: number;
  series: number;
  upstreamMs: number;
  beaconMs: number;
}

export async function benchScrape(rounds: number, scrapesPerRound = 200): Promise<ScrapeResult> {
  const metrics = await busyServiceMetrics();
  const upstream = new PrometheusSerializer(undefined, false, undefined, false, true);
  const beacon = new PrometheusText();
  const perScrape = (serialize: () => string) => {
    const started = performance.now();
    // Measuring the byte length flattens the string, as writing it to the socket would.
    for (let i = 0; i < scrapesPerRound; i++) Buffer.byteLength(serialize());
    return (performance.now() - started) / scrapesPerRound;
  };
  const upstreamRuns: number[] = [];
  const beaconRuns: number[] = [];
  for (let round = 0; round < rounds + 1; round++) {
    const order = round % 2 ? ['upstream', 'beacon'] : ['beacon', 'upstream'];
    for (const which of order) {
      const ms = which === 'upstream' ? perScrape(() => upstream.serialize(metrics)) : perScrape(() => beacon.serialize(metrics));
      // Round 0 warms both up (JIT) and is not counted.
      if (round > 0) (which === 'upstream' ? upstreamRuns : beaconRuns).push(ms);
    }
  }
  const text = beacon.serialize(metrics);
  return {
    bytes: text.length,
    series: text.split('\n').filter((line) => line && !line.startsWith('#')).length,
    upstreamMs: median(upstreamRuns),
    beaconMs: median(beaconRuns),
  };
}
