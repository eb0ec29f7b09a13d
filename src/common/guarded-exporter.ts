/**
 * An OTLP exporter the way a batch processor should get it: a total deadline per export
 * (deadline-exporter.ts), no request while the backend keeps failing or asked to wait
 * (backoff-exporter.ts, retry-after.ts), every item's outcome counted (export-accounting.ts).
 * Spans and log records both go through here.
 */
import { BackoffExporter } from './backoff-exporter.js';
import { type BatchExporter, DeadlineExporter } from './deadline-exporter.js';
import { AccountedExporter, type ExportAccount, batchLength } from './export-accounting.js';
import { watchRetryAfter } from './retry-after.js';

/**
 * How much longer than the export's total deadline a batch processor's own timeout is set:
 * the exporter's failure (counted) then always comes first, not upstream's bare "Timeout".
 */
export const PROCESSOR_TIMEOUT_MARGIN_MS = 1000;

export interface GuardOptions {
  /** Names the items in errors: "span", "log". */
  what: string;
  /** The exporter's URL, whose Retry-After answers are watched. */
  endpoint: string;
  deadlineMs: number;
  account: ExportAccount;
}

export function guardedExporter<Item>(inner: BatchExporter<Item>, { what, endpoint, deadlineMs, account }: GuardOptions): AccountedExporter<Item[]> {
  const responses = watchRetryAfter(endpoint);
  const backoff = new BackoffExporter(inner, what, { retryAfter: responses });
  return new AccountedExporter(new DeadlineExporter(backoff, deadlineMs, what), account, batchLength, responses.lastErrorStatus);
}
