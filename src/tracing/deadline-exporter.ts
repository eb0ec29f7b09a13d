/**
 * Wraps a SpanExporter so that one export, a flush and a shutdown each end within a
 * total deadline, whatever the backend does.
 */
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { settleWithin } from '../common/deadline.js';

export class DeadlineSpanExporter implements SpanExporter {
  constructor(
    private readonly inner: SpanExporter,
    private readonly deadlineMs: number,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    let settled = false;
    const settle = (result: ExportResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resultCallback(result);
    };
    const timer = setTimeout(
      () => settle({ code: ExportResultCode.FAILED, error: new Error(`span export did not finish within ${this.deadlineMs} ms`) }),
      this.deadlineMs,
    );
    timer.unref();
    try {
      this.inner.export(spans, settle);
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
