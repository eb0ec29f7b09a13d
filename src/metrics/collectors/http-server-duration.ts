/**
 * `http.server.request.duration` as the http instrumentation reports it (its scope, name,
 * unit, description and attributes), kept in a Beacon series (series.ts) instead of the
 * SDK's histogram: the SDK hashes a point's attributes on every record, and that record was
 * the largest part of what the metrics cost a hello-world request. Its buckets and
 * cardinality limit are those of the view Beacon gives the SDK's histogram (views.ts).
 * Beacon's server path (instrumentations/http-server.ts) records into it.
 */
import type { Attributes } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { ResolvedConfig } from '../../config/types.js';
import { type HistogramSeries, reportedHistogram } from '../api/histogram-series.js';

type DurationRecorder = (durationMs: number, attributes: Attributes) => void;

/** One per process, as the instrumentation's patch is: never stopped, it reports nothing while nothing records. */
let series: HistogramSeries | undefined;

/**
 * Where the server durations of the http instrumentation (its meter: the scope given) go
 * under `config`: Beacon's series with the 'http' collector on; nowhere (null) with it off (Beacon's
 * view drops that meter); with metrics off, undefined: the instrumentation's own histogram,
 * which reaches a reader only if the app brought one (beaconNodeSdk).
 */
export function serverDurations(config: ResolvedConfig): (scope: InstrumentationScope) => DurationRecorder | null | undefined {
  return (scope) => {
    if (!config.metrics.enabled) return undefined;
    if (!config.metrics.collectors.includes('http')) return null;
    series ??= reportedHistogram({ name: 'http.server.request.duration', unit: 's', description: 'Duration of HTTP server requests.', scope }).series;
    const target = series;
    return (durationMs, attributes) => target.cell(attributes)?.record(durationMs / 1000);
  };
}
