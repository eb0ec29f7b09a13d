/**
 * 'http' beyond what the http instrumentation records (request durations, server and
 * client, with route templates): in-flight server requests and request/response body sizes,
 * from Node's own diagnostics channels — no patching, nothing per request when off.
 * Ignored paths (health probes, the metrics endpoint) are left out as they are from traces.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Meter } from '@opentelemetry/api';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'QUERY']);
const SIZE_BUCKETS = [0, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000];

interface ChannelMessage {
  request: IncomingMessage;
  response: ServerResponse;
}

export function startHttpCollector(meter: Meter, ignored: (path: string) => boolean): () => void {
  const active = meter.createUpDownCounter('http.server.active_requests', { unit: '{request}', description: 'Server requests in flight.' });
  const requestSize = meter.createHistogram('http.server.request.body.size', {
    unit: 'By',
    description: 'Size of HTTP server request bodies (from Content-Length).',
    advice: { explicitBucketBoundaries: SIZE_BUCKETS },
  });
  const responseSize = meter.createHistogram('http.server.response.body.size', {
    unit: 'By',
    description: 'Size of HTTP server response bodies (from Content-Length).',
    advice: { explicitBucketBoundaries: SIZE_BUCKETS },
  });
  // Requests that were counted (not ignored), with their attributes.
  const counted = new WeakMap<IncomingMessage, { 'http.request.method': string; 'url.scheme': string }>();

  const onStart = (message: unknown) => {
    const { request, response } = message as ChannelMessage;
    if (ignored(request.url ?? '/')) return;
    const attributes = {
      'http.request.method': method(request),
      'url.scheme': (request.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http',
    };
    counted.set(request, attributes);
    active.add(1, attributes);
    // 'close' also fires for aborted requests, which never reach response.finish.
    response.once('close', () => active.add(-1, attributes));
  };
  const onFinish = (message: unknown) => {
    const { request, response } = message as ChannelMessage;
    const attributes = counted.get(request);
    if (!attributes) return;
    counted.delete(request);
    const labels = { 'http.request.method': attributes['http.request.method'], 'http.response.status_code': response.statusCode };
    const received = Number(request.headers['content-length']);
    if (Number.isFinite(received)) requestSize.record(received, labels);
    const sent = Number(response.getHeader('content-length'));
    if (Number.isFinite(sent)) responseSize.record(sent, labels);
  };
  subscribe('http.server.request.start', onStart);
  subscribe('http.server.response.finish', onFinish);
  return () => {
    unsubscribe('http.server.request.start', onStart);
    unsubscribe('http.server.response.finish', onFinish);
  };
}

function method(request: IncomingMessage): string {
  const value = request.method?.toUpperCase() ?? '_OTHER';
  return KNOWN_METHODS.has(value) ? value : '_OTHER'; // bounded cardinality, as the semconv asks
}
