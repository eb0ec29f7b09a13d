/**
 * The cost of one Prometheus scrape of 1k and 10k series, counters and histograms: collect and
 * serialize, in time and bytes, through Beacon's text (PrometheusText on Beacon's names),
 * upstream's PrometheusSerializer on the same collected data, and prom-client's registry with
 * the same series. Histograms use prom-client's default buckets everywhere, so every text has
 * the same lines. Rounds interleave the three; medians per scrape; round 0 warms up (JIT).
 */
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { Counter as PromCounter, Histogram as PromHistogram, Registry, linearBuckets } from 'prom-client';
import { toPrometheusNames } from '../src/metrics/prometheus/names.js';
import { PrometheusText } from '../src/metrics/prometheus/text.js';
import { CollectingReader } from '../test/helpers/collecting-reader.js';
import { median } from './stats.js';

const PROM_CLIENT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const SCRAPER = ['Beacon', 'upstream exporter', 'prom-client'] as const;

export interface ScrapeRow {
  kind: 'counter' | 'histogram';
  series: number;
  ms: Record<(typeof SCRAPER)[number], number>;
  bytes: Record<(typeof SCRAPER)[number], number>;
}

/** `series` label sets of 3 labels each, recorded once into OTel and prom-client alike. */
function populate(kind: ScrapeRow['kind'], series: number) {
  // Room for every series: the SDK's default limit (2,000 per instrument) would fold the rest into one overflow series.
  const reader = new CollectingReader({ cardinalitySelector: () => series + 1 });
  const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'bench' }), readers: [reader] });
  const meter = provider.getMeter('bench');
  const registry = new Registry();
  const labelNames = ['route', 'method', 'status'];
  const otelCounter = meter.createCounter('bench_requests');
  const otelHistogram = meter.createHistogram('bench_request_duration', { unit: 's', advice: { explicitBucketBoundaries: PROM_CLIENT_BUCKETS } });
  const promCounter = new PromCounter({ name: 'bench_requests_total', help: 'bench', labelNames, registers: [registry] });
  const promHistogram = new PromHistogram({ name: 'bench_request_duration_seconds', help: 'bench', labelNames, buckets: PROM_CLIENT_BUCKETS, registers: [registry] });
  const values = linearBuckets(0.001, 0.37, 8);
  for (let i = 0; i < series; i++) {
    const labels = { route: `/api/resource${Math.floor(i / 8)}/:id`, method: i % 2 ? 'GET' : 'POST', status: String(200 + (Math.floor(i / 2) % 4)) };
    if (kind === 'counter') {
      otelCounter.add(i + 1, labels);
      promCounter.inc(labels, i + 1);
    } else {
      for (const value of values) {
        otelHistogram.record(value, labels);
        promHistogram.observe(labels, value);
      }
    }
  }
  return { reader, provider, registry };
}

export async function benchScrape(rounds: number): Promise<ScrapeRow[]> {
  const rows: ScrapeRow[] = [];
  for (const kind of ['counter', 'histogram'] as const) {
    for (const series of [1_000, 10_000]) {
      const { reader, provider, registry } = populate(kind, series);
      const beacon = new PrometheusText();
      const upstream = new PrometheusSerializer(undefined, false, undefined, false, true);
      const scrape: Record<(typeof SCRAPER)[number], () => Promise<string>> = {
        Beacon: async () => beacon.serialize(toPrometheusNames((await reader.collect()).resourceMetrics)),
        'upstream exporter': async () => upstream.serialize((await reader.collect()).resourceMetrics),
        'prom-client': () => registry.metrics(),
      };
      const scrapesPerRound = Math.max(3, Math.round(20_000 / series));
      const runs = Object.fromEntries(SCRAPER.map((name) => [name, [] as number[]])) as Record<(typeof SCRAPER)[number], number[]>;
      const bytes = {} as ScrapeRow['bytes'];
      for (let round = 0; round <= rounds; round++) {
        for (let k = 0; k < SCRAPER.length; k++) {
          const name = SCRAPER[(k + round) % SCRAPER.length]!;
          const started = performance.now();
          // Measuring the byte length flattens the string, as writing it to the socket would.
          for (let i = 0; i < scrapesPerRound; i++) bytes[name] = Buffer.byteLength(await scrape[name]());
          if (round > 0) runs[name].push((performance.now() - started) / scrapesPerRound);
        }
      }
      await provider.shutdown();
      rows.push({ kind, series, bytes, ms: Object.fromEntries(SCRAPER.map((name) => [name, median(runs[name])])) as ScrapeRow['ms'] });
    }
  }
  return rows;
}
