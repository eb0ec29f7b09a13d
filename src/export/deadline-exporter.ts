/**
 * Wraps a span or log record exporter so that one export, a flush and a shutdown each end
 * within a total deadline, whatever the backend does (upstream's timeout is a socket idle
 * timeout: a peer that trickles bytes is never timed out). Ending an export also ends its
 * I/O: the export runs in an export scope (export-scope.ts) whose signal the transport
 * obeys, so a settled export leaves no socket, request or retry timer behind.
 */
import { type ExportResult, ExportResultCode } from '../otel/core.cjs';
import { settleWithin } from './deadline.js';
import { runInExport } from './export-scope.js';

/** What span, log record and metric exporters have in common: export one batch, flush, stop. */
export interface Exporter<Batch> {
  export(batch: Batch, resultCallback: (result: ExportResult) => void): void;
  /** Starts loading what the first export needs, so that it does not wait for it. */
  prepare?(): void;
  forceFlush?(): Promise<void>;
  shutdown(): Promise<void>;
}

/** SpanExporter and LogRecordExporter: batches are arrays of items. */
export type BatchExporter<Item> = Exporter<Item[]>;

/** An export failed because a deadline ran out: its own, or that of the flush it was part of (counted as `deadline`). */
export class ExportDeadlineError extends Error {
  override readonly name = 'ExportDeadlineError';
}

/** Every export not yet settled, by how to end it. */
const inFlight = new Set<(reason: Error) => void>();

/** Fails every export still in flight, ending its I/O (a bounded flush that ran out of time). */
export function abortExportsInFlight(reason: ExportDeadlineError): void {
  for (const end of [...inFlight]) end(reason);
}

export class DeadlineExporter<Item> implements BatchExporter<Item> {
  /**
   * @param what names the items in the timeout error ("span", "log")
   */
  constructor(
    private readonly inner: BatchExporter<Item>,
    private readonly deadlineMs: number,
    private readonly what: string,
  ) {}

  export(items: Item[], resultCallback: (result: ExportResult) => void): void {
    const controller = new AbortController();
    let settled = false;
    const settle = (result: ExportResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      inFlight.delete(fail);
      // Whatever the export still has under way (a request, a retry wait) ends with it.
      controller.abort(result.error ?? new Error(`${this.what} export settled`));
      resultCallback(result);
    };
    const fail = (error: Error) => settle({ code: ExportResultCode.FAILED, error });
    const timer = setTimeout(() => fail(new ExportDeadlineError(`${this.what} export did not finish within ${this.deadlineMs} ms`)), this.deadlineMs);
    timer.unref();
    inFlight.add(fail);
    runInExport(controller.signal, () => {
      try {
        this.inner.export(items, settle);
      } catch (error) {
        fail(error as Error);
      }
    });
  }

  async forceFlush(): Promise<void> {
    await settleWithin(this.inner.forceFlush?.().catch(() => undefined) ?? Promise.resolve(), this.deadlineMs, () => undefined);
  }

  async shutdown(): Promise<void> {
    await settleWithin(this.inner.shutdown().catch(() => undefined), this.deadlineMs, () => undefined);
  }
}
