/**
 * The OTLP metric exporter behind the same backoff as spans and logs (common/backoff-exporter.ts):
 * no push while the collector keeps failing or its Retry-After lasts. Waiting loses nothing
 * with cumulative temporality (the default): the next push carries the totals. The periodic
 * reader also asks the exporter about temporality and aggregation; those are passed through.
 */
import {
  type AggregationOption,
  AggregationTemporality,
  AggregationType,
  type InstrumentType,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { BackoffExporter } from '../common/backoff-exporter.js';
import { watchRetryAfter } from '../common/retry-after.js';

export class BackoffMetricExporter extends BackoffExporter<ResourceMetrics> implements PushMetricExporter {
  constructor(
    private readonly otlp: PushMetricExporter,
    endpoint: string,
  ) {
    super(otlp, 'metric', { retryAfter: watchRetryAfter(endpoint) });
  }

  selectAggregationTemporality(instrumentType: InstrumentType): AggregationTemporality {
    return this.otlp.selectAggregationTemporality?.(instrumentType) ?? AggregationTemporality.CUMULATIVE;
  }

  selectAggregation(instrumentType: InstrumentType): AggregationOption {
    return this.otlp.selectAggregation?.(instrumentType) ?? { type: AggregationType.DEFAULT };
  }
}
