/**
 * Explicit-bucket histograms aggregated by Beacon itself (see series.ts for why): a cell
 * holds what was recorded since any reader last collected; histogram-producer.ts moves it
 * into each reader's own accumulation then. Buckets follow the SDK's: bucket i counts
 * values ≤ boundaries[i] and > boundaries[i − 1], the last one everything above.
 */
import type { Attributes, HrTime } from '@opentelemetry/api';
import { type InstrumentationScope, hrTime } from '../../otel/core.cjs';
import { cardinalityLimit, meterSettings, onMeterProvider } from './binding.js';
import { SeriesTable, type SeriesCell } from './series.js';

export class HistogramCell implements SeriesCell {
  live = true;
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  readonly counts: number[];
  /** When this label set was first recorded: the start of its cumulative series. */
  readonly startTime: HrTime = hrTime();

  constructor(
    readonly attributes: Attributes,
    private readonly boundaries: readonly number[],
  ) {
    this.counts = new Array<number>(boundaries.length + 1).fill(0);
  }

  /** `value` must be a number ≥ 0 (the caller checks). */
  record(value: number): void {
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    const boundaries = this.boundaries;
    let bucket = 0;
    // Linear: a dozen boundaries, and most values fall in the first few.
    while (bucket < boundaries.length && value > boundaries[bucket]!) bucket++;
    this.counts[bucket]!++;
  }

  reset(): void {
    this.count = 0;
    this.sum = 0;
    this.min = Infinity;
    this.max = -Infinity;
    this.counts.fill(0);
  }
}

export interface HistogramDescriptor {
  readonly name: string;
  readonly description: string;
  readonly unit: string;
  /** The meter the histogram is reported under, as if it were the SDK's. */
  readonly scope: InstrumentationScope;
}

/** One Beacon histogram: its descriptor, its boundaries and its cells. */
export class HistogramSeries extends SeriesTable<HistogramCell> {
  private currentBoundaries: readonly number[] = [];

  constructor(readonly descriptor: HistogramDescriptor) {
    super((attributes) => new HistogramCell(attributes, this.currentBoundaries), Infinity, true);
  }

  get boundaries(): readonly number[] {
    return this.currentBoundaries;
  }

  /** A new provider: new boundaries and limit, and nothing recorded yet. */
  rebind(boundaries: readonly number[], limit: number): void {
    this.currentBoundaries = boundaries;
    this.clear(limit);
  }
}

/** Every Beacon histogram, for the producers to collect. */
export const histograms = new Set<HistogramSeries>();

/**
 * A histogram reported to every reader until `stop()`, its boundaries taken from each
 * provider's settings as the SDK would choose them: a view from the config, then
 * `ownBuckets` (an instrument's advice), then the config's default. With no provider what is
 * recorded is dropped at the next one, so any boundaries do.
 */
export function reportedHistogram(descriptor: HistogramDescriptor, ownBuckets?: readonly number[]): { series: HistogramSeries; stop: () => void } {
  const series = new HistogramSeries(descriptor);
  histograms.add(series);
  const unbind = onMeterProvider(() => {
    const settings = meterSettings();
    const boundaries = settings?.views[descriptor.name]?.buckets ?? ownBuckets ?? settings?.buckets ?? [];
    series.rebind([...boundaries], cardinalityLimit());
  });
  return {
    series,
    stop: () => {
      unbind();
      histograms.delete(series);
    },
  };
}
