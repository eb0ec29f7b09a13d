/** Order statistics for the bench's samples. */
export const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
export const median = (values: readonly number[]): number => quantile([...values].sort((a, b) => a - b), 0.5);
