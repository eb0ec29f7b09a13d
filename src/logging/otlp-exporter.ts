/**
 * The OTLP log exporter, bounded: one export, a flush and a shutdown each end within a
 * total deadline (upstream's timeout is a socket idle timeout), and every record handed
 * to it is counted when its export settles, so the output knows how many are in flight.
 */
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { settleWithin } from '../common/deadline.js';
import type { ResolvedOtlpTarget } from '../config/types.js';

export async function createOtlpLogExporter(target: ResolvedOtlpTarget): Promise<LogRecordExporter> {
  const config = { url: target.endpoint, headers: { ...target.headers }, timeoutMillis: target.timeoutMs };
  if (target.protocol === 'http/json') {
    const { OTLPLogExporter } = await import('@opentelemetry/exporter-logs-otlp-http');
    return new OTLPLogExporter(config);
  }
  const { OTLPLogExporter } = await import('@opentelemetry/exporter-logs-otlp-proto');
  return new OTLPLogExporter(config);
}

export class BoundedLogExporter implements LogRecordExporter {
  constructor(
    private readonly inner: LogRecordExporter,
    private readonly deadlineMs: number,
    private readonly onSettled: (count: number) => void,
  ) {}

  export(records: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    let settled = false;
    const settle = (result: ExportResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      this.onSettled(records.length);
      resultCallback(result);
    };
    const timer = setTimeout(
      () => settle({ code: ExportResultCode.FAILED, error: new Error(`log export did not finish within ${this.deadlineMs} ms`) }),
      this.deadlineMs,
    );
    timer.unref();
    try {
      this.inner.export(records, settle);
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
