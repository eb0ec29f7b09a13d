/**
 * Hands Beacon's own histograms (histogram-series.ts) to the metric readers. OTel has no
 * observable histogram, so each reader gets a producer of its own, joined to the SDK's
 * producer (addBeaconHistograms). When any reader collects, what the cells recorded since
 * the last collection is added to every producer's accumulation and the cells start again
 * from zero (the SDK's own scheme, so that two readers, one cumulative and one delta, both
 * see everything once). A producer then reports its accumulation in its reader's
 * temporality: cumulative keeps it, delta clears it.
 */
import { ValueType, type HrTime } from '../../otel/api.cjs';
import { hrTime } from '../../otel/core.cjs';
import {
  AggregationTemporality,
  DataPointType,
  type HistogramMetricData,
  type IMetricReader,
  InstrumentType,
  type ScopeMetrics,
} from '../../otel/sdk-metrics.cjs';
import { meterSettings, onMeterProvider } from './binding.js';
import { type HistogramCell, type HistogramSeries, histograms } from './histogram-series.js';

interface Accumulation {
  readonly startTime: HrTime;
  count: number;
  sum: number;
  min: number;
  max: number;
  readonly counts: number[];
}

const producers = new Set<HistogramProducer>();

class HistogramProducer {
  private readonly accumulated = new Map<HistogramSeries, Map<HistogramCell, Accumulation>>();
  private lastCollection: HrTime | undefined;

  constructor(private readonly temporality: () => AggregationTemporality) {}

  add(series: HistogramSeries, cell: HistogramCell): void {
    let bySeries = this.accumulated.get(series);
    if (!bySeries) this.accumulated.set(series, (bySeries = new Map()));
    const into = bySeries.get(cell);
    if (!into) {
      bySeries.set(cell, { startTime: cell.startTime, count: cell.count, sum: cell.sum, min: cell.min, max: cell.max, counts: [...cell.counts] });
      return;
    }
    into.count += cell.count;
    into.sum += cell.sum;
    into.min = Math.min(into.min, cell.min);
    into.max = Math.max(into.max, cell.max);
    for (let i = 0; i < into.counts.length; i++) into.counts[i]! += cell.counts[i]!;
  }

  clear(): void {
    this.accumulated.clear();
  }

  /** What this reader reports now, one entry per scope. */
  collect(): ScopeMetrics[] {
    moveCellsToProducers();
    const temporality = this.temporality();
    const now = hrTime();
    const byScope: ScopeMetrics[] = [];
    for (const [series, bySeries] of this.accumulated) {
      if (bySeries.size === 0) continue;
      const dataPoints: HistogramMetricData['dataPoints'] = [];
      const boundaries = [...series.boundaries];
      for (const [cell, { startTime, count, sum, min, max, counts }] of bySeries) {
        dataPoints.push({
          attributes: cell.attributes,
          startTime: temporality === AggregationTemporality.DELTA ? (this.lastCollection ?? startTime) : startTime,
          endTime: now,
          value: { buckets: { boundaries, counts: [...counts] }, count, sum, min, max },
        });
      }
      const { scope, ...descriptor } = series.descriptor;
      const metric: HistogramMetricData = {
        descriptor: { ...descriptor, valueType: ValueType.DOUBLE },
        aggregationTemporality: temporality,
        dataPointType: DataPointType.HISTOGRAM,
        dataPoints,
      };
      addToScope(byScope, { scope, metrics: [metric] });
      if (temporality === AggregationTemporality.DELTA) bySeries.clear();
    }
    this.lastCollection = now;
    return byScope;
  }
}

/**
 * Adds `entry`'s metrics to the entry of the same scope in `scopes`, or `entry` itself when
 * there is none. A missing version is the SDK's '' (its getMeter default).
 */
function addToScope(scopes: ScopeMetrics[], entry: ScopeMetrics): void {
  const { name, version = '', schemaUrl } = entry.scope;
  const index = scopes.findIndex(({ scope }) => scope.name === name && (scope.version ?? '') === version && scope.schemaUrl === schemaUrl);
  if (index < 0) scopes.push(entry);
  else scopes[index] = { scope: scopes[index]!.scope, metrics: [...scopes[index]!.metrics, ...entry.metrics] };
}

function moveCellsToProducers(): void {
  for (const series of histograms) {
    for (const cell of series.values()) {
      if (cell.count === 0) continue;
      for (const producer of producers) producer.add(series, cell);
      cell.reset();
    }
  }
}

/**
 * `reader`, with Beacon's histograms joining what the SDK's producer hands it once a
 * MeterProvider takes it: every reader, Beacon's own or built by the app
 * (`beaconNodeSdk({ metricReaders })`), which set its other producers at construction.
 */
export function addBeaconHistograms<R extends IMetricReader>(reader: R): R {
  const producer = new HistogramProducer(() => reader.selectAggregationTemporality(InstrumentType.HISTOGRAM));
  producers.add(producer);
  const setSdkProducer = reader.setMetricProducer.bind(reader);
  reader.setMetricProducer = (sdk) =>
    setSdkProducer({
      async collect(options) {
        const { resourceMetrics, errors } = await sdk.collect(options);
        // A Beacon histogram in a scope the SDK reports too (an instrumentation's meter) joins that scope's entry.
        const scopeMetrics = [...resourceMetrics.scopeMetrics];
        for (const entry of producer.collect()) addToScope(scopeMetrics, entry);
        return { resourceMetrics: { ...resourceMetrics, scopeMetrics }, errors };
      },
    });
  return reader;
}

// A new provider (or none): what was accumulated before is dropped; with none, the readers are gone too.
onMeterProvider(() => {
  for (const producer of producers) producer.clear();
  if (!meterSettings()) producers.clear();
});
