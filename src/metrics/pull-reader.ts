/**
 * The MetricReader behind the Prometheus endpoint: upstream's PrometheusExporter with its
 * server never started. Beacon collects with a deadline (a hanging observable callback must
 * not hang the scrape), renames to Prometheus conventions and serializes itself
 * (prometheus-text.ts: upstream's output, written faster).
 */
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { globalErrorHandler } from '@opentelemetry/core';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { toPrometheusNames } from './prometheus-names.js';
import { PrometheusText } from './prometheus-text.js';

export class PullReader extends PrometheusExporter {
  // No otel_scope_* labels on every series: prom-client-shaped output, smaller scrapes.
  private readonly serializer = new PrometheusText();

  constructor(
    private readonly cardinalityLimit: number,
    private readonly collectTimeoutMs = 5000,
  ) {
    super({ preventServerStart: true });
  }

  override selectCardinalityLimit(): number {
    return this.cardinalityLimit;
  }

  /** One collection; failed callbacks are reported (rate-limited), the rest is returned. */
  async collectNow(): Promise<ResourceMetrics> {
    const { resourceMetrics, errors } = await this.collect({ timeoutMillis: this.collectTimeoutMs });
    for (const error of errors) globalErrorHandler(error as Error);
    // Detectors may still be settling on the very first scrape.
    if (resourceMetrics.resource.asyncAttributesPending) await resourceMetrics.resource.waitForAsyncAttributes?.();
    return resourceMetrics;
  }

  async prometheusText(): Promise<string> {
    return this.serializer.serialize(toPrometheusNames(await this.collectNow()));
  }
}
