/**
 * Stops hammering a failing backend. Upstream retries within one export (honouring
 * Retry-After there) but starts every next batch afresh, so a throttling or dead collector
 * gets requests (and the app pays for them) batch after batch. After a failed export this
 * wrapper fails the following scheduled exports at once, without a request, while the
 * backoff (backoff.ts) says to leave the backend alone. Exports made during an explicit
 * flush or shutdown always get a real attempt. Metric pushes skip (lossless with cumulative
 * totals); span and log batches are held in the delivery queue instead and never reach the skip.
 */
import { type ExportResult, ExportResultCode } from '../otel/core.cjs';
import type { Exporter } from './deadline-exporter.js';
import { isExplicitFlush } from './explicit-flush.js';
import { Backoff } from './backoff.js';

/** The failure of an export skipped without a request: its items are counted as dropped (`held_back`), not failed. */
export class ExportHeldBackError extends Error {
  override readonly name = 'ExportHeldBackError';
}

export class BackoffExporter<Batch> implements Exporter<Batch> {
  /** @param what names what is exported, in the error reported for a skipped export ("span", "log", "metric") */
  constructor(
    private readonly inner: Exporter<Batch>,
    private readonly what: string,
    private readonly backoff: Backoff = new Backoff(),
  ) {}

  export(batch: Batch, resultCallback: (result: ExportResult) => void): void {
    const waitMs = this.backoff.remainingMs();
    if (waitMs > 0 && !isExplicitFlush()) {
      const error = new ExportHeldBackError(`the ${this.what} backend keeps failing or asked to wait; ${this.what} exports are skipped without a request for ${Math.ceil(waitMs / 1000)} s more`);
      resultCallback({ code: ExportResultCode.FAILED, error });
      return;
    }
    this.inner.export(batch, (result) => {
      if (result.code === ExportResultCode.SUCCESS) this.backoff.succeeded();
      else this.backoff.failed();
      resultCallback(result);
    });
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.backoff.close();
    return this.inner.shutdown();
  }
}
