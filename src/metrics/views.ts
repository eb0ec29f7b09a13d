/**
 * OTel Views from the config: histogram buckets (the global default for the HTTP duration
 * histograms, per-metric overrides from `metrics.views`), the cardinality limit on each,
 * and DROP for the sources whose collector is not enabled. Beacon's own histograms get
 * the default buckets as advice instead (binding.ts), so a view is needed only where the
 * instrument belongs to someone else.
 */
import { AggregationType, type ViewOptions } from '../otel/sdk-metrics.cjs';
import type { ResolvedConfig } from '../config/types.js';
import { COMPONENTS_METER } from './collectors/components.js';

const HTTP_METERS = ['@opentelemetry/instrumentation-http', '@opentelemetry/instrumentation-undici'];
const HTTP_DURATIONS = ['http.server.request.duration', 'http.client.request.duration'];

export function buildViews(metrics: ResolvedConfig['metrics']): ViewOptions[] {
  const views: ViewOptions[] = [];
  const limit = metrics.cardinalityLimit;
  const histogram = (instrumentName: string, boundaries: readonly number[]): ViewOptions => ({
    instrumentName,
    aggregation: { type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM, options: { boundaries: [...boundaries] } },
    aggregationCardinalityLimit: limit,
  });
  const http = metrics.collectors.includes('http');
  if (http) {
    for (const name of HTTP_DURATIONS) if (!metrics.views[name]?.buckets) views.push(histogram(name, metrics.buckets));
  } else {
    for (const meterName of HTTP_METERS) views.push({ meterName, aggregation: { type: AggregationType.DROP } });
  }
  if (!metrics.collectors.includes('components')) views.push({ meterName: COMPONENTS_METER, aggregation: { type: AggregationType.DROP } });
  for (const [name, view] of Object.entries(metrics.views)) {
    // Two views matching one instrument make two streams; a dropped source stays dropped.
    if (!http && HTTP_DURATIONS.includes(name)) continue;
    if (view.buckets) views.push(histogram(name, view.buckets));
  }
  return views;
}
