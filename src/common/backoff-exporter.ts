/**
 * Stops hammering a failing backend. Upstream retries within one export (honouring
 * Retry-After there) but starts every next batch afresh, so a throttling or dead collector
 * gets requests (and the app pays for them) batch after batch. After a failed export this
 * wrapper fails the following scheduled exports at once, without a request, for a backoff
 * that doubles from 1 s up to 30 s and resets on the first success — or for as long as the
 * backend's Retry-After asked, when that is longer. Exports made during an explicit flush
 * or shutdown always get a real attempt. Spans, log records and metric pushes alike.
 */
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { Exporter } from './deadline-exporter.js';
import { isExplicitFlush } from './explicit-flush.js';
import type { RetryAfter } from './retry-after.js';

/** The failure of an export skipped without a request: its items are counted as dropped (`held_back`), not failed. */
export class ExportHeldBackError extends Error {
  override readonly name = 'ExportHeldBackError';
}

export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  now?: () => number;
  /** The backend's last Retry-After (see retry-after.ts); closed with the exporter. */
  retryAfter?: RetryAfter;
}

export class BackoffExporter<Batch> implements Exporter<Batch> {
  private failures = 0;
  private closedUntil = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly now: () => number;
  private readonly retryAfter: RetryAfter | undefined;

  /** @param what names what is exported, in the error reported for a skipped export ("span", "log", "metric") */
  constructor(
    private readonly inner: Exporter<Batch>,
    private readonly what: string,
    options: BackoffOptions = {},
  ) {
    this.initialMs = options.initialMs ?? 1000;
    this.maxMs = options.maxMs ?? 30_000;
    this.now = options.now ?? Date.now;
    this.retryAfter = options.retryAfter;
  }

  export(batch: Batch, resultCallback: (result: ExportResult) => void): void {
    // Retry-After counts from the moment the answer came, even while that export is still
    // retrying inside the exporter: later exports do not pile up behind it.
    const waitMs = Math.max(this.closedUntil - this.now(), this.retryAfter?.remainingMs() ?? 0);
    if (waitMs > 0 && !isExplicitFlush()) {
      const error = new ExportHeldBackError(`the ${this.what} backend keeps failing or asked to wait; ${this.what} exports are skipped without a request for ${Math.ceil(waitMs / 1000)} s more`);
      resultCallback({ code: ExportResultCode.FAILED, error });
      return;
    }
    this.inner.export(batch, (result) => {
      if (result.code === ExportResultCode.SUCCESS) {
        this.failures = 0;
        this.closedUntil = 0;
      } else {
        this.failures++;
        this.closedUntil = this.now() + Math.min(this.maxMs, this.initialMs * 2 ** (this.failures - 1));
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
