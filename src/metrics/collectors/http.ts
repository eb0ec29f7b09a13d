/**
 * 'http' beyond what the http instrumentation records (request durations, server and
 * client, with route templates): in-flight server requests and request/response body sizes
 * by method, status and route template — no module patched, nothing per request when off.
 * Ignored paths (health probes, the metrics endpoint) are left out as they are from traces.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Attributes, Context, Meter } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import { bodyBytes } from '../../http/body-bytes.js';
import { normalizedMethod } from '../../http/request-method.js';
import { routeOf, watchServerRequests } from '../../http/server-requests.js';
import { reportedHistogram } from '../api/histogram-series.js';
import { ObservedSeries, type SeriesCell, type SeriesEntry, boundCell } from '../api/series.js';

type InFlightCell = SeriesCell & SeriesEntry;

/** What the collector keeps of a request until its response is done. */
interface WatchedRequest {
  readonly request: IncomingMessage;
  readonly method: string;
  readonly requestContext: Context;
  readonly inFlight: InFlightCell;
}

const SIZE_BUCKETS = [0, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000];

/** @param scope `meter`'s: the body sizes are Beacon series (series.ts says why) reported under it */
export function startHttpCollector(meter: Meter, scope: InstrumentationScope, ignored: (path: string) => boolean): () => void {
  const active = meter.createObservableUpDownCounter('http.server.active_requests', { unit: '{request}', description: 'Server requests in flight.' });
  const bodySize = (name: string, description: string) => reportedHistogram({ name, unit: 'By', description, scope }, SIZE_BUCKETS);
  const requestSize = bodySize('http.server.request.body.size', 'Size of HTTP server request bodies (from Content-Length).');
  const responseSize = bodySize('http.server.response.body.size', 'Size of HTTP server response bodies (bytes written, with or without Content-Length).');

  // In-flight counts per method and scheme, read at collection: two SDK updates per request
  // (each hashing its attributes) would cost more than everything else here.
  const inFlight = new ObservedSeries();
  active.addCallback(inFlight.observe);
  const inFlightCells = { http: new Map<string, () => InFlightCell | null>(), https: new Map<string, () => InFlightCell | null>() };
  const inFlightCell = (method: string, scheme: 'http' | 'https'): InFlightCell => {
    let cell = inFlightCells[scheme].get(method);
    if (!cell) inFlightCells[scheme].set(method, (cell = boundCell(inFlight, { 'http.request.method': method, 'url.scheme': scheme })));
    return cell()!;
  };

  const stopWatching = watchServerRequests<WatchedRequest>({
    start(request, _response, requestContext) {
      if (ignored(request.url ?? '/')) return undefined;
      const method = normalizedMethod(request.method);
      const inFlight = inFlightCell(method, (request.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http');
      inFlight.value++;
      return { request, method, requestContext, inFlight };
    },
    done(state, response) {
      state.inFlight.value--;
      // Aborted requests never finished writing: they have no sizes.
      if (response.writableFinished) recordSizes(state.request, response, routeOf(state.requestContext), state.method);
    },
  });
  return () => {
    stopWatching();
    active.removeCallback(inFlight.observe);
    requestSize.stop();
    responseSize.stop();
  };

  function recordSizes(request: IncomingMessage, response: ServerResponse, route: string | undefined, requestMethod: string): void {
    const labels: Attributes = { 'http.request.method': requestMethod, 'http.response.status_code': response.statusCode };
    if (route) labels['http.route'] = route;
    const received = Number(request.headers['content-length']);
    if (Number.isFinite(received) && received >= 0) requestSize.series.cell(labels)?.record(received);
    const sent = bodyBytes(request, response);
    if (sent !== undefined) responseSize.series.cell(labels)?.record(sent);
  }
}
