/**
 * Values per label set kept in plain numbers and handed to an observable instrument when a
 * reader collects: updating one is a Map lookup, with none of the attribute hashing an SDK
 * instrument does on every call. Used by `metrics.gauge()` and the in-flight request count.
 */
import type { Attributes, ObservableResult } from '@opentelemetry/api';

export interface SeriesEntry {
  value: number;
}

export class ObservedSeries {
  private readonly series = new Map<string, SeriesEntry & { readonly attributes: Attributes }>();

  /** @param limit label sets kept at most; beyond it `entry()` returns null */
  constructor(private readonly limit = Infinity) {}

  /** The entry for `key` (created at 0 with `attributes()` the first time), or null when full. */
  entry(key: string, attributes: () => Attributes): SeriesEntry | null {
    let entry = this.series.get(key);
    if (!entry) {
      if (this.series.size >= this.limit) return null;
      entry = { attributes: attributes(), value: 0 };
      this.series.set(key, entry);
    }
    return entry;
  }

  /** The callback for the observable instrument. */
  readonly observe = (result: ObservableResult): void => {
    for (const { attributes, value } of this.series.values()) result.observe(value, attributes);
  };
}
