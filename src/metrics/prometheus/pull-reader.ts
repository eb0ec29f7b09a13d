/**
 * The MetricReader behind the Prometheus endpoint: upstream's PrometheusExporter with its
 * server never started. Beacon collects with a deadline, shares collections between scrapes
 * (scrape-cache.ts), renames to Prometheus conventions and serializes itself
 * (text.ts: upstream's output, written faster).
 */
import { PrometheusExporter } from '../../otel/exporter-prometheus.cjs';
import { globalErrorHandler } from '../../otel/core.cjs';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { CALLBACK_TIMEOUT_MS } from '../observable-guard.js';

/**
 * Each observable callback has its own deadline (observable-guard.ts), which names the
 * instrument; the SDK's per-callback timeout is only the backstop behind it.
 */
const COLLECT_TIMEOUT_MS = 2 * CALLBACK_TIMEOUT_MS;

export class PullReader extends PrometheusExporter {
  constructor(private readonly cardinalityLimit: number) {
    super({ preventServerStart: true });
  }

  override selectCardinalityLimit(): number {
    return this.cardinalityLimit;
  }

  /** One collection; failed callbacks are reported (rate-limited), the rest is returned. */
  async collectNow(): Promise<ResourceMetrics> {
    const { resourceMetrics, errors } = await this.collect({ timeoutMillis: COLLECT_TIMEOUT_MS });
    for (const error of errors) globalErrorHandler(error as Error);
    // Detectors may still be settling on the very first scrape.
    if (resourceMetrics.resource.asyncAttributesPending) await resourceMetrics.resource.waitForAsyncAttributes?.();
    return resourceMetrics;
  }
}
