/**
 * An OTLP exporter the way spans and log records should leave: through the delivery queue
 * (delivery-queue.ts: newest kept, held while the backend fails), a total deadline per export
 * (deadline-exporter.ts), no request while the backend keeps failing or asked to wait
 * (backoff.ts, retry-after.ts), every item's outcome counted (export-accounting.ts).
 */
import { Backoff } from './backoff.js';
import { BackoffExporter } from './backoff-exporter.js';
import { type BatchExporter, DeadlineExporter } from './deadline-exporter.js';
import { type BatchWeight, DeliveryQueue } from './delivery-queue.js';
import { AccountedExporter, type ExportAccount, batchLength } from './export-accounting.js';
import type { RetryAfter } from './retry-after.js';

/**
 * The longest a queue holds its items between two attempts on a failing backend (unless its
 * Retry-After asks for longer): also how soon a recovered backend is noticed, so the queue
 * needs room for this long of items to lose nothing ended after recovery.
 */
export const MAX_HOLD_MS = 5000;

export interface GuardOptions<Item> {
  /** Names the items in errors: "span", "log". */
  what: string;
  /** The backend's Retry-After answers (HTTP) or RetryInfo (gRPC); closed with the queue. */
  retryAfter: RetryAfter;
  deadlineMs: number;
  /** Counts every item; its capacity bounds the queue. */
  account: ExportAccount;
  batchSize: number;
  batchWeight?: BatchWeight<Item> | undefined;
  delayMs: number;
}

export function guardedDelivery<Item>(inner: BatchExporter<Item>, { what, retryAfter, deadlineMs, account, batchSize, batchWeight, delayMs }: GuardOptions<Item>): DeliveryQueue<Item> {
  const backoff = new Backoff({ retryAfter, maxMs: MAX_HOLD_MS });
  const guarded = new DeadlineExporter(new BackoffExporter(inner, what, backoff), deadlineMs, what);
  // Beacon's senders name the status of every rejection themselves (ExportRejectedError).
  const exporter = new AccountedExporter(guarded, account, batchLength);
  return new DeliveryQueue({ exporter, account, backoff, batchSize, batchWeight, delayMs, onFirstItem: () => inner.prepare?.() });
}
