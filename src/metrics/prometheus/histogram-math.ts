/**
 * Percentiles from explicit-bucket histograms, the way PromQL's histogram_quantile does it:
 * find the bucket holding the rank, interpolate linearly inside it. OTel histograms also
 * carry min and max, which bound the first and the +Inf bucket better than 0 and the last
 * boundary would. Accurate to a bucket width, which is what a summary needs.
 */
import type { Histogram } from '@opentelemetry/sdk-metrics';

/** Adds histograms with identical boundaries; others are skipped (they cannot be merged). */
export function mergeHistograms(histograms: readonly Histogram[]): Histogram | null {
  const [first, ...rest] = histograms;
  if (!first) return null;
  const merged: Histogram = {
    buckets: { boundaries: first.buckets.boundaries, counts: [...first.buckets.counts] },
    sum: first.sum ?? 0,
    count: first.count,
    ...(first.min !== undefined ? { min: first.min } : {}),
    ...(first.max !== undefined ? { max: first.max } : {}),
  };
  for (const histogram of rest) {
    if (!sameBoundaries(histogram.buckets.boundaries, merged.buckets.boundaries)) continue;
    histogram.buckets.counts.forEach((count, i) => (merged.buckets.counts[i] = (merged.buckets.counts[i] ?? 0) + count));
    merged.sum = (merged.sum ?? 0) + (histogram.sum ?? 0);
    merged.count += histogram.count;
    if (histogram.min !== undefined) merged.min = Math.min(merged.min ?? Infinity, histogram.min);
    if (histogram.max !== undefined) merged.max = Math.max(merged.max ?? -Infinity, histogram.max);
  }
  return merged;
}

function sameBoundaries(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

/** q in [0, 1]; null when the histogram is empty. */
export function quantile(histogram: Histogram, q: number): number | null {
  if (histogram.count === 0) return null;
  const { boundaries, counts } = histogram.buckets;
  const rank = q * histogram.count;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i] ?? 0;
    if (count === 0 || seen + count < rank) {
      seen += count;
      continue;
    }
    const lower = Math.max(i === 0 ? (histogram.min ?? 0) : boundaries[i - 1]!, histogram.min ?? -Infinity);
    const upper = Math.min(i < boundaries.length ? boundaries[i]! : (histogram.max ?? boundaries[i - 1] ?? 0), histogram.max ?? Infinity);
    if (upper <= lower) return upper;
    return lower + ((upper - lower) * (rank - seen)) / count;
  }
  return histogram.max ?? boundaries[boundaries.length - 1] ?? null;
}
