/**
 * The OTLP metric exporter behind the same backoff as spans and logs (backoff-exporter.ts):
 * no push while the collector keeps failing or its Retry-After lasts. Waiting loses nothing
 * with cumulative temporality (the default): the next push carries the totals. With delta
 * temporality (OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE) every push holds what no
 * later one will, so none is skipped: each interval still tries once. Every push's data
 * points are counted (export-accounting.ts). The periodic reader also asks the exporter
 * about temporality and aggregation; those are passed through.
 */
import type { ExportResult } from '@opentelemetry/core';
import {
  type AggregationOption,
  AggregationTemporality,
  AggregationType,
  InstrumentType,
  type PushMetricExporter,
  type ResourceMetrics,
} from '../otel/sdk-metrics.cjs';
import { Backoff } from './backoff.js';
import { BackoffExporter } from './backoff-exporter.js';
import type { Exporter } from './deadline-exporter.js';
import { AccountedExporter, type ExportAccount } from './export-accounting.js';
import type { RetryAfter } from './retry-after.js';

export class BackoffMetricExporter implements PushMetricExporter {
  private readonly guarded: Exporter<ResourceMetrics>;

  /**
   * @param otlp upstream's exporter: its temporality and aggregation are the reader's
   * @param retryAfter the backend's Retry-After answers (HTTP) or RetryInfo (gRPC)
   * @param send what pushes go through: `otlp` itself, or a sender around it (otlp-grpc.ts)
   */
  constructor(
    private readonly otlp: PushMetricExporter,
    retryAfter: RetryAfter,
    account: ExportAccount,
    send: Exporter<ResourceMetrics> = otlp,
  ) {
    const cumulative = Object.values(InstrumentType).every((type) => this.selectAggregationTemporality(type) === AggregationTemporality.CUMULATIVE);
    const pushes = cumulative ? new BackoffExporter(send, 'metric', new Backoff({ retryAfter })) : send;
    this.guarded = new AccountedExporter(pushes, account, dataPoints, retryAfter.lastErrorStatus);
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    this.guarded.export(metrics, resultCallback);
  }

  forceFlush(): Promise<void> {
    return this.guarded.forceFlush?.() ?? Promise.resolve();
  }

  shutdown(): Promise<void> {
    return this.guarded.shutdown();
  }

  selectAggregationTemporality(instrumentType: InstrumentType): AggregationTemporality {
    return this.otlp.selectAggregationTemporality?.(instrumentType) ?? AggregationTemporality.CUMULATIVE;
  }

  selectAggregation(instrumentType: InstrumentType): AggregationOption {
    return this.otlp.selectAggregation?.(instrumentType) ?? { type: AggregationType.DEFAULT };
  }
}

/** A push is counted in data points (what a backend bills and stores), not in metrics. */
function dataPoints(metrics: ResourceMetrics): number {
  let count = 0;
  for (const scope of metrics.scopeMetrics) for (const metric of scope.metrics) count += metric.dataPoints.length;
  return count;
}
