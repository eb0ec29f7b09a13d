/**
 * Metric pushes held back while a collector's Retry-After lasts (429/503). Upstream honours
 * it only between the retries of one export, so a throttling collector would still get a
 * push every `metrics.interval`. Waiting loses nothing with cumulative temporality (the
 * default): the next push carries the totals. A push made by a flush or shutdown always goes.
 */
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import {
  type AggregationOption,
  AggregationTemporality,
  AggregationType,
  type InstrumentType,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { isExplicitFlush } from '../common/explicit-flush.js';
import type { RetryAfter } from '../common/retry-after.js';

export class ThrottledMetricExporter implements PushMetricExporter {
  constructor(
    private readonly inner: PushMetricExporter,
    private readonly retryAfter: RetryAfter,
  ) {}

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    const waitMs = this.retryAfter.remainingMs();
    if (waitMs > 0 && !isExplicitFlush()) {
      const error = new Error(`the metrics collector asked to wait (Retry-After): no push for ${Math.ceil(waitMs / 1000)} s more`);
      resultCallback({ code: ExportResultCode.FAILED, error });
      return;
    }
    this.inner.export(metrics, resultCallback);
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    this.retryAfter.close();
    return this.inner.shutdown();
  }

  selectAggregationTemporality(instrumentType: InstrumentType): AggregationTemporality {
    return this.inner.selectAggregationTemporality?.(instrumentType) ?? AggregationTemporality.CUMULATIVE;
  }

  selectAggregation(instrumentType: InstrumentType): AggregationOption {
    return this.inner.selectAggregation?.(instrumentType) ?? { type: AggregationType.DEFAULT };
  }
}
