/**
 * Stops hammering a failing backend. Upstream retries within one export (honouring
 * Retry-After there) but starts every next batch afresh, so a throttling or dead collector
 * gets requests (and the app pays for them) batch after batch. After a failed export this
 * wrapper fails the following scheduled batches at once, without a request, for a backoff
 * that doubles from 1 s up to 30 s and resets on the first success — or for as long as the
 * backend's Retry-After asked, when that is longer. Exports made during an explicit flush
 * or shutdown always get a real attempt.
 */
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { BatchExporter } from './deadline-exporter.js';
import { isExplicitFlush } from './explicit-flush.js';
import type { RetryAfter } from './retry-after.js';

export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  now?: () => number;
  /** The backend's last Retry-After (see retry-after.ts); closed with the exporter. */
  retryAfter?: RetryAfter;
}

export class BackoffExporter<Item> implements BatchExporter<Item> {
  private failures = 0;
  private closedUntil = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly now: () => number;
  private readonly retryAfter: RetryAfter | undefined;

  /** @param what names the items in the error reported for a skipped batch ("span", "log") */
  constructor(
    private readonly inner: BatchExporter<Item>,
    private readonly what: string,
    options: BackoffOptions = {},
  ) {
    this.initialMs = options.initialMs ?? 1000;
    this.maxMs = options.maxMs ?? 30_000;
    this.now = options.now ?? Date.now;
    this.retryAfter = options.retryAfter;
  }

  export(items: Item[], resultCallback: (result: ExportResult) => void): void {
    const waitMs = this.closedUntil - this.now();
    if (waitMs > 0 && !isExplicitFlush()) {
      const error = new Error(`the ${this.what} backend keeps failing; batches are dropped without a request for ${Math.ceil(waitMs / 1000)} s more`);
      resultCallback({ code: ExportResultCode.FAILED, error });
      return;
    }
    this.inner.export(items, (result) => {
      if (result.code === ExportResultCode.SUCCESS) {
        this.failures = 0;
        this.closedUntil = 0;
      } else {
        this.failures++;
        const backoffMs = Math.min(this.maxMs, this.initialMs * 2 ** (this.failures - 1));
        this.closedUntil = this.now() + Math.max(backoffMs, this.retryAfter?.remainingMs() ?? 0);
      }
      resultCallback(result);
    });
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.retryAfter?.close();
    return this.inner.shutdown();
  }
}
