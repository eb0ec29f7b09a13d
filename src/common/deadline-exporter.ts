/**
 * Wraps a span or log record exporter so that one export, a flush and a shutdown each end
 * within a total deadline, whatever the backend does (upstream's timeout is a socket idle
 * timeout: a peer that trickles bytes is never timed out).
 */
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { settleWithin } from './deadline.js';

/** What span, log record and metric exporters have in common: export one batch, flush, stop. */
export interface Exporter<Batch> {
  export(batch: Batch, resultCallback: (result: ExportResult) => void): void;
  forceFlush?(): Promise<void>;
  shutdown(): Promise<void>;
}

/** The failure an export settles with when its total deadline passed (counted as `deadline`). */
export class ExportDeadlineError extends Error {
  override readonly name = 'ExportDeadlineError';
}

/** SpanExporter and LogRecordExporter: batches are arrays of items. */
export type BatchExporter<Item> = Exporter<Item[]>;

export class DeadlineExporter<Item> implements BatchExporter<Item> {
  /**
   * @param what names the items in the timeout error ("span", "log")
   * @param onSettled is told how many items an export carried once it settles, either way
   */
  constructor(
    private readonly inner: BatchExporter<Item>,
    private readonly deadlineMs: number,
    private readonly what: string,
    private readonly onSettled: (count: number) => void = () => undefined,
  ) {}

  export(items: Item[], resultCallback: (result: ExportResult) => void): void {
    let settled = false;
    const settle = (result: ExportResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      this.onSettled(items.length);
      resultCallback(result);
    };
    const timer = setTimeout(
      () => settle({ code: ExportResultCode.FAILED, error: new Error(`${this.what} export did not finish within ${this.deadlineMs} ms`) }),
      this.deadlineMs,
    );
    timer.unref();
    try {
      this.inner.export(items, settle);
    } catch (error) {
      settle({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  async forceFlush(): Promise<void> {
    await settleWithin(this.inner.forceFlush?.().catch(() => undefined) ?? Promise.resolve(), this.deadlineMs, () => undefined);
  }

  async shutdown(): Promise<void> {
    await settleWithin(this.inner.shutdown().catch(() => undefined), this.deadlineMs, () => undefined);
  }
}
