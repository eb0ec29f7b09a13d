/**
 * An OTLP exporter the way a batch processor should get it: a total deadline per export
 * (deadline-exporter.ts), no request while the backend keeps failing or asked to wait
 * (backoff-exporter.ts, retry-after.ts). Spans and log records both go through here.
 */
import { BackoffExporter } from './backoff-exporter.js';
import { type BatchExporter, DeadlineExporter } from './deadline-exporter.js';
import { watchRetryAfter } from './retry-after.js';

export interface GuardOptions {
  /** Names the items in errors: "span", "log". */
  what: string;
  /** The exporter's URL, whose Retry-After answers are watched. */
  endpoint: string;
  deadlineMs: number;
  /** Told how many items an export carried once it settles, either way. */
  onSettled?: (count: number) => void;
}

export function guardedExporter<Item>(inner: BatchExporter<Item>, { what, endpoint, deadlineMs, onSettled }: GuardOptions): DeadlineExporter<Item> {
  const backoff = new BackoffExporter(inner, what, { retryAfter: watchRetryAfter(endpoint) });
  return new DeadlineExporter(backoff, deadlineMs, what, onSettled);
}
