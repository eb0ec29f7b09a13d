/**
 * Series kept by Beacon itself, one cell per label set: updating one is a Map lookup (or,
 * through a pre-bound handle, a field write), with none of the per-call work an SDK
 * instrument does (context lookup, clock read, attribute hashing in each storage layer).
 * The OTel SDK has no bound instruments, so this is what makes `counter.labels(...)` as
 * cheap as prom-client's. Cells are handed to the readers when they collect: sums and
 * gauges through observable instruments (series.observe), histograms through a
 * producer of their own (histogram-producer.ts).
 */
import type { Attributes, ObservableResult } from '@opentelemetry/api';

export interface SeriesCell {
  readonly attributes: Attributes;
  /** False once the table is cleared (a new provider): a pre-bound handle then looks its cell up again. */
  live: boolean;
}

export interface SeriesEntry {
  value: number;
}

/** The series the SDK reports beyond its cardinality limit, under the same attribute. */
const OVERFLOW_ATTRIBUTES: Attributes = Object.freeze({ 'otel.metric.overflow': true });
const OVERFLOW_KEY = '\0overflow';

export class SeriesTable<C extends SeriesCell> {
  private cells = new Map<string, C>();

  /**
   * @param create a new cell for a label set
   * @param limit label sets kept at most
   * @param overflow beyond the limit, cells go to one overflow series (as the SDK's
   *   cardinality limit does: limit − 1 label sets and the overflow series); without it,
   *   `cell()` returns null there
   */
  constructor(
    private readonly create: (attributes: Attributes) => C,
    private limit = Infinity,
    private readonly overflow = false,
  ) {}

  /** The cell for `key` (created from `attributes()` the first time), the overflow cell, or null when full. */
  cell(key: string, attributes: () => Attributes): C | null {
    let cell = this.cells.get(key);
    if (!cell) {
      if (this.cells.size >= (this.overflow ? this.limit - 1 : this.limit)) {
        if (!this.overflow) return null;
        return this.cells.get(OVERFLOW_KEY) ?? this.add(OVERFLOW_KEY, OVERFLOW_ATTRIBUTES);
      }
      cell = this.add(key, attributes());
    }
    return cell;
  }

  /** Drops every cell (pre-bound handles notice through `live`); `limit` replaces the limit. */
  clear(limit?: number): void {
    for (const cell of this.cells.values()) cell.live = false;
    this.cells = new Map();
    if (limit !== undefined) this.limit = limit;
  }

  values(): IterableIterator<C> {
    return this.cells.values();
  }

  private add(key: string, attributes: Attributes): C {
    const cell = this.create(attributes);
    this.cells.set(key, cell);
    return cell;
  }
}

/** One number per label set, reported by an observable instrument when a reader collects. */
export class ObservedSeries extends SeriesTable<SeriesCell & SeriesEntry> {
  constructor(limit?: number, overflow?: boolean) {
    super((attributes) => ({ attributes, value: 0, live: true }), limit, overflow);
  }

  /** The callback for the observable instrument. */
  readonly observe = (result: ObservableResult): void => {
    for (const { attributes, value } of this.values()) result.observe(value, attributes);
  };
}

/**
 * The key of a label set, independent of key order. Names and string values are written with
 * their lengths, so that no value can pass for another label: half the cost of the SDK's
 * JSON of sorted pairs, which is most of a per-call record's.
 */
export function seriesKey(labels: Attributes | undefined): string {
  if (!labels) return '';
  const keys = Object.keys(labels);
  if (keys.length === 0) return '';
  if (keys.length > 1) keys.sort();
  let key = '';
  for (const name of keys) {
    const value = labels[name];
    key += typeof value === 'string' ? `${name.length}:${name}=${value.length}:${value}` : `${name.length}:${name}~${JSON.stringify(value)};`;
  }
  return key;
}

/**
 * A pre-bound handle's view of its cell: the cell, or after the table was cleared the new
 * one for the same labels (null when the table is full and has no overflow series).
 */
export function boundCell<C extends SeriesCell>(table: SeriesTable<C>, labels: Attributes | undefined): () => C | null {
  const key = seriesKey(labels);
  const attributes = () => ({ ...labels });
  let cell = table.cell(key, attributes);
  return () => (cell?.live ? cell : (cell = table.cell(key, attributes)));
}
