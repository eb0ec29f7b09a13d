/**
 * Series kept by Beacon itself, one cell per label set: updating one is a lookup in a
 * label index (label-index.ts) or, through a pre-bound handle, a field write, with none of the per-call work an SDK
 * instrument does (context lookup, clock read, attribute hashing in each storage layer).
 * The OTel SDK has no bound instruments, so this is what makes `counter.labels(...)` as
 * cheap as prom-client's. Cells are handed to the readers when they collect: sums and
 * gauges through observable instruments (series.observe), histograms through a
 * producer of their own (histogram-producer.ts).
 */
import type { Attributes, ObservableResult } from '@opentelemetry/api';
import { LabelIndex } from './label-index.js';

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
const NO_LABELS: Attributes = Object.freeze({});

export class SeriesTable<C extends SeriesCell> {
  private index = new LabelIndex<C>();
  private cells: C[] = [];
  private overflowCell: C | undefined;

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

  /** The cell for `labels` (created with a copy of them the first time), the overflow cell, or null when full. */
  cell(given: Attributes | null | undefined): C | null {
    const labels = given ?? NO_LABELS; // null too: an app's JavaScript may pass it
    const cell = this.index.get(labels);
    if (cell) return cell;
    if (this.cells.length >= (this.overflow ? this.limit - 1 : this.limit)) {
      if (!this.overflow) return null;
      if (!this.overflowCell) this.cells.push((this.overflowCell = this.create(OVERFLOW_ATTRIBUTES)));
      return this.overflowCell;
    }
    const created = this.create({ ...labels });
    this.index.set(labels, created);
    this.cells.push(created);
    return created;
  }

  /** Drops every cell (pre-bound handles notice through `live`); `limit` replaces the limit. */
  clear(limit?: number): void {
    for (const cell of this.cells) cell.live = false;
    this.index = new LabelIndex();
    this.cells = [];
    this.overflowCell = undefined;
    if (limit !== undefined) this.limit = limit;
  }

  values(): readonly C[] {
    return this.cells;
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
 * A pre-bound handle's view of its cell: the cell, or after the table was cleared the new
 * one for the same labels (null when the table is full and has no overflow series).
 */
export function boundCell<C extends SeriesCell>(table: SeriesTable<C>, labels: Attributes | undefined): () => C | null {
  const fixed = { ...labels };
  let cell = table.cell(fixed);
  return () => (cell?.live ? cell : (cell = table.cell(fixed)));
}
