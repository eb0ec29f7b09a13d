/**
 * The child of metrics-hot-path.ts, started under Beacon's register entry (metrics on): times
 * one counter add and one histogram record with three labels through Beacon's API, through
 * the raw OTel API on the same meter provider, and through prom-client's own registry; then
 * through a pre-bound series of each (`instrument.labels(...)`, one of four label sets per call).
 * Cases interleave within each round; reports ops/s per case and round over IPC.
 */
import { metrics as otel } from '@opentelemetry/api';
import { Counter as PromCounter, Histogram as PromHistogram, Registry } from 'prom-client';
import { metrics as beacon } from '../src/index.js';

const [operations, rounds] = process.argv.slice(2).map(Number) as [number, number];
const statuses = ['200', '201', '404', '500'];
const labelsAt = (i: number) => ({ method: 'GET', route: '/users/:id', status: statuses[i & 3]! });

const registry = new Registry();
const promCounter = new PromCounter({ name: 'bench_prom_total', help: 'bench', labelNames: ['method', 'route', 'status'], registers: [registry] });
const promHistogram = new PromHistogram({ name: 'bench_prom_seconds', help: 'bench', labelNames: ['method', 'route', 'status'], registers: [registry] });
const meter = otel.getMeter('bench');
const otelCounter = meter.createCounter('bench.otel');
const otelHistogram = meter.createHistogram('bench.otel.duration', { unit: 's' });
const beaconCounter = beacon.counter('bench.beacon', { labels: ['method', 'route', 'status'] });
const beaconHistogram = beacon.histogram('bench.beacon.duration', { unit: 's', labels: ['method', 'route', 'status'] });

const boundLabels = statuses.map((_, i) => labelsAt(i));
const beaconBoundCounter = boundLabels.map((labels) => beaconCounter.labels(labels));
const promBoundCounter = boundLabels.map((labels) => promCounter.labels(labels));
const beaconBoundHistogram = boundLabels.map((labels) => beaconHistogram.labels(labels));
const promBoundHistogram = boundLabels.map((labels) => promHistogram.labels(labels));

const cases: Record<string, (i: number) => void> = {
  'counter, Beacon API': (i) => beaconCounter.add(1, labelsAt(i)),
  'counter, raw OTel API': (i) => otelCounter.add(1, labelsAt(i)),
  'counter, prom-client': (i) => promCounter.inc(labelsAt(i)),
  'histogram, Beacon API': (i) => beaconHistogram.record((i & 255) / 1000, labelsAt(i)),
  'histogram, raw OTel API': (i) => otelHistogram.record((i & 255) / 1000, labelsAt(i)),
  'histogram, prom-client': (i) => promHistogram.observe(labelsAt(i), (i & 255) / 1000),
  'counter, Beacon pre-bound': (i) => beaconBoundCounter[i & 3]!.inc(),
  'counter, prom-client pre-bound': (i) => promBoundCounter[i & 3]!.inc(),
  'histogram, Beacon pre-bound': (i) => beaconBoundHistogram[i & 3]!.observe((i & 255) / 1000),
  'histogram, prom-client pre-bound': (i) => promBoundHistogram[i & 3]!.observe((i & 255) / 1000),
};

const samples: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
const names = Object.keys(cases);
for (let round = 0; round < rounds; round++) {
  for (let k = 0; k < names.length; k++) {
    const name = names[(k + round) % names.length]!;
    const run = cases[name]!;
    const started = performance.now();
    for (let i = 0; i < operations; i++) run(i);
    samples[name]!.push(operations / ((performance.now() - started) / 1000));
  }
}
process.send!(samples);
