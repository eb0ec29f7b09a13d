/**
 * Beacon's server path for the http instrumentation (src/instrumentations/http-server.ts)
 * against upstream's: two servers, one behind each path, get the same requests, and what
 * they record must be the same — span names, kinds, attributes, status, exception events,
 * parents, the spans started inside a request (the request's context reaches its body's
 * listeners; an ignored request records nothing), and the `http.server.request.duration`
 * histogram (its scope, descriptor, buckets and points), which Beacon keeps in a series of its
 * own (metrics/collectors/http-server-duration.ts) where upstream records through the SDK. Then an https server, with every server-side option upstream has, with `requireParentforIncomingSpans`,
 * with nothing sampled, and with the attributes given at the span's start (sampler rules).
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { IncomingMessage, type RequestListener, type Server, ServerResponse, createServer, request as httpRequest } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test } from 'node:test';
import { type Attributes, type Span, type TracerProvider as ApiTracerProvider, context, propagation } from '@opentelemetry/api';
import { W3CTraceContextPropagator, getRPCMetadata } from '@opentelemetry/core';
import type { HttpInstrumentation as HttpInstrumentationClass, HttpInstrumentationConfig } from '@opentelemetry/instrumentation-http';
import { DataPointType, MeterProvider } from '@opentelemetry/sdk-metrics';
import { AlwaysOffSampler, AlwaysOnSampler, InMemorySpanExporter, type ReadableSpan, type Sampler, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { resolveConfig } from '../../src/config/resolve.js';
import { REQUEST_ROOT_CONTEXT } from '../../src/http/request-context.js';
import { type LightServerPathOptions, useLightServerPath } from '../../src/instrumentations/http-server.js';
import { meterProviderChanged } from '../../src/metrics/api/binding.js';
import { addBeaconHistograms } from '../../src/metrics/api/histogram-producer.js';
import { serverDurations } from '../../src/metrics/collectors/http-server-duration.js';
import { BeaconContextManager } from '../../src/tracing/context-manager.js';
import { CollectingReader } from '../helpers/collecting-reader.js';
import { call } from '../helpers/http.js';
import type { TlsIdentity } from '../helpers/otlp-receiver.js';
import { selfSignedCert } from '../helpers/tls.js';

// Its CommonJS build, as Beacon loads every instrumentation (src/instrumentations/load.ts): one
// copy of the API with Beacon's code, whose no-op meter the server path recognises.
const { HttpInstrumentation } = createRequire(import.meta.url)('@opentelemetry/instrumentation-http') as { HttpInstrumentation: typeof HttpInstrumentationClass };
type HttpInstrumentation = HttpInstrumentationClass;

context.setGlobalContextManager(new BeaconContextManager());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());

/** Beacon's defaults: metrics on with the 'http' collector, its buckets those of upstream's advice. */
const { config } = resolveConfig({});
const beaconDurations = serverDurations(config);

type Emit = Server['emit'];
type Component = 'http' | 'https';
type Patchable = { _getPatchIncomingRequestFunction(component: Component): (emit: Emit) => Emit };

interface Setup {
  component?: Component;
  options?: HttpInstrumentationConfig;
  sampler?: Sampler;
  light?: LightServerPathOptions;
  /** false: the instrumentation keeps the API's no-op meter until a test gives it one. */
  meter?: false;
}

/** The app: a few routes that exercise what a server span records. */
function app(provider: ApiTracerProvider, seen: { closeListeners: string[][]; requestRoots: boolean[]; closed: number }): RequestListener {
  const tracer = provider.getTracer('app');
  return (request, response) => {
    seen.closeListeners.push(response.listeners('close').map((listener) => listener.name));
    seen.requestRoots.push(context.active().constructor === REQUEST_ROOT_CONTEXT.constructor);
    // After the instrumentation's own listener: its span has ended when this runs.
    response.on('close', () => seen.closed++);
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/health' || path === '/orders/7') {
      tracer.startSpan(`inside ${path}`).end();
      const rpc = getRPCMetadata(context.active());
      if (rpc && path === '/orders/7') rpc.route = '/orders/:id'; // as the express instrumentation does
      response.setHeader('x-served-by', 'unit');
      response.end('ok');
    } else if (path === '/orders' && request.method === 'POST') {
      request.on('data', () => undefined);
      request.on('end', () => {
        tracer.startSpan('after the body').end();
        response.writeHead(201).end('created');
      });
    } else if (path === '/fail') {
      response.writeHead(500).end('failed');
    } else if (path === '/write-after-end') {
      response.on('error', () => undefined); // the app's own handling; the span records the error
      response.end('done');
      response.write('late');
    } else if (path === '/slow') {
      // never answers: the client gives up
    } else {
      response.writeHead(404).end();
    }
  };
}

class PathUnderTest {
  readonly exporter = new InMemorySpanExporter();
  readonly reader = new CollectingReader();
  readonly closeListeners: string[][] = [];
  /** Per request: whether the app's context derives from the request root Beacon's path starts from. */
  readonly requestRoots: boolean[] = [];
  closed = 0;
  readonly server: Server;
  private readonly component: Component;
  private readonly provider: TracerProvider;
  readonly meterProvider: MeterProvider;
  readonly instrumentation: HttpInstrumentation;

  constructor(readonly which: 'upstream' | 'Beacon', setup: Setup) {
    this.provider = new TracerProvider({ sampler: setup.sampler ?? new AlwaysOnSampler(), spanProcessors: [new SimpleSpanProcessor({ exporter: this.exporter })] });
    // Beacon's reader also reports Beacon's series (only one Beacon path is open at a time).
    this.meterProvider = new MeterProvider({ readers: [which === 'Beacon' ? addBeaconHistograms(this.reader) : this.reader] });
    const instrumentation = (this.instrumentation = new HttpInstrumentation({ ...setup.options, enabled: false }));
    instrumentation.setTracerProvider(this.provider);
    if (setup.meter !== false) instrumentation.setMeterProvider(this.meterProvider);
    if (which === 'Beacon') {
      meterProviderChanged(config.metrics);
      const recordDuration = beaconDurations({ name: instrumentation.instrumentationName, version: instrumentation.instrumentationVersion });
      useLightServerPath(instrumentation, { attributesAtStart: false, recordDuration, ...setup.light });
    }
    this.component = setup.component ?? 'http';
    this.server = this.component === 'https' ? createHttpsServer(tls(), app(this.provider, this)) : createServer(app(this.provider, this));
    this.server.emit = (instrumentation as unknown as Patchable)._getPatchIncomingRequestFunction(this.component)(this.server.emit);
  }

  async listen(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `${this.component}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await Promise.all([this.provider.shutdown(), this.meterProvider.shutdown()]);
    if (this.which === 'Beacon') meterProviderChanged();
  }

  /** Spans of one request, once its response has closed. */
  async spansAfter(send: () => Promise<unknown>): Promise<ReadableSpan[]> {
    this.exporter.reset();
    const closed = this.closed;
    await send().catch(() => undefined);
    for (let waited = 0; waited < 5000 && this.closed === closed; waited += 5) await sleep(5);
    return this.exporter.getFinishedSpans();
  }

  /** The duration histogram as reported: everything but times and the durations themselves. */
  async durations() {
    const { resourceMetrics } = await this.reader.collect();
    for (const { scope, metrics } of resourceMetrics.scopeMetrics) {
      const metric = metrics.find((m) => m.descriptor.name === 'http.server.request.duration');
      if (!metric || metric.dataPointType !== DataPointType.HISTOGRAM) continue;
      const points = metric.dataPoints.map(({ attributes, value }) => ({ attributes, count: value.count, bucketed: value.buckets.counts.reduce((sum, n) => sum + n, 0) }));
      return {
        scope: { name: scope.name, version: scope.version },
        // The public MetricDescriptor, what exporters read (the SDK's also carries its instrument's type and advice).
        descriptor: (({ name, description, unit, valueType }) => ({ name, description, unit, valueType }))(metric.descriptor),
        temporality: metric.aggregationTemporality,
        boundaries: metric.dataPoints.map((point) => point.value.buckets.boundaries),
        points: points.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      };
    }
    return { points: [] };
  }
}

/** What both paths must agree on: everything but ids, times and ephemeral ports. */
function described(spans: ReadableSpan[]) {
  return spans
    .map((span) => {
      const { 'network.peer.port': peerPort, 'server.port': serverPort, ...attributes } = span.attributes;
      return {
        name: span.name,
        kind: span.kind,
        scope: `${span.instrumentationScope.name}@${span.instrumentationScope.version ?? ''}`,
        attributes,
        ports: [typeof peerPort, typeof serverPort],
        status: span.status,
        events: span.events.map(({ name, attributes: event = {} }) => ({ name, type: event['exception.type'], message: event['exception.message'] })),
        parent: span.parentSpanContext ? (span.parentSpanContext.isRemote ? `remote ${span.parentSpanContext.spanId}` : 'local') : 'none',
        droppedAttributesCount: span.droppedAttributesCount,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

const REMOTE_PARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

type Request = (base: string) => Promise<unknown>;

const REQUESTS: [string, Request][] = [
  ['GET with a route, a query and forwarding headers', (base) => call(`${base}/orders/7?sig=abc&page=2`, { headers: { 'user-agent': 'curl/8.5', 'x-forwarded-for': '203.0.113.9', 'x-tenant': 'acme' } })],
  ['a remote parent', (base) => call(`${base}/orders/7`, { headers: { traceparent: REMOTE_PARENT } })],
  ['POST whose body listeners start a span', (base) => call(`${base}/orders`, { method: 'POST', body: '{"id":1}' })],
  ['404', (base) => call(`${base}/nowhere`)],
  ['500', (base) => call(`${base}/fail`)],
  ['an unknown method', (base) => call(`${base}/nowhere`, { method: 'PROPFIND' })],
  ['an ignored path', (base) => call(`${base}/health`)],
  ['a write after the end', (base) => call(`${base}/write-after-end`)],
  ['a client that gives up', (base) => abandoned(`${base}/slow`)],
];

function abandoned(url: string): Promise<void> {
  return new Promise((resolve) => {
    const request = httpRequest(url);
    request.on('error', () => resolve());
    request.end();
    setTimeout(() => {
      request.destroy();
      resolve();
    }, 100);
  });
}

/** A listener of the app's that throws: both paths end the span with the error and let it through. */
function throwingRequest(path: PathUnderTest): ReadableSpan[] {
  path.exporter.reset();
  const request = new IncomingMessage(new Socket());
  Object.assign(request, { method: 'GET', url: '/throws', headers: { host: 'unit.test' }, httpVersion: '1.1' });
  const response = new ServerResponse(request);
  path.server.removeAllListeners('request');
  path.server.on('request', () => {
    throw new TypeError('handler broke');
  });
  assert.throws(() => path.server.emit('request', request, response), /handler broke/);
  response.emit('close');
  return path.exporter.getFinishedSpans();
}

async function bothPaths(setup: Setup, requests: [string, Request][], beaconSetup: Setup = setup) {
  const paths = [new PathUnderTest('upstream', setup), new PathUnderTest('Beacon', beaconSetup)];
  const seen: Record<string, unknown>[] = [{}, {}];
  try {
    for (const [index, path] of paths.entries()) {
      const base = await path.listen();
      for (const [what, send] of requests) seen[index]![what] = described(await path.spansAfter(() => send(base)));
      seen[index]!.metrics = await path.durations();
    }
    return { upstream: seen[0]!, beacon: seen[1]!, paths };
  } finally {
    await Promise.all(paths.map((path) => path.close()));
  }
}

let identity: TlsIdentity | undefined;
const tls = (): TlsIdentity => (identity ??= selfSignedCert());

function httpsGet(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(url, { rejectUnauthorized: false, headers: { 'user-agent': 'unit' } }, (response) => {
      response.resume();
      response.on('end', resolve);
    });
    request.on('error', reject);
    request.end();
  });
}

const ignoreHealth: HttpInstrumentationConfig = { ignoreIncomingRequestHook: (request) => request.url === '/health' };

test('the same requests give the same spans and duration points on both paths', async () => {
  const { upstream, beacon, paths } = await bothPaths({ options: ignoreHealth }, REQUESTS);
  for (const [what] of REQUESTS) assert.deepEqual(beacon[what], upstream[what], what);
  assert.deepEqual(beacon.metrics, upstream.metrics);

  // The comparison is only worth something if the cases record what they are meant to.
  const [routed] = upstream['GET with a route, a query and forwarding headers'] as ReturnType<typeof described>;
  assert.ok(routed && routed.name === 'GET /orders/:id', 'the route names the span');
  assert.equal(routed.attributes['url.query'], 'sig=REDACTED&page=2');
  assert.equal(routed.attributes['client.address'], '203.0.113.9');
  assert.deepEqual((upstream['POST whose body listeners start a span'] as { parent: string }[]).map((span) => span.parent), ['local', 'none']);
  assert.deepEqual(upstream['an ignored path'], [], 'nothing is recorded for an ignored request, not even the spans inside it');
  assert.ok((upstream['a client that gives up'] as unknown[]).length === 1, 'an abandoned request ends its span');
  assert.ok((upstream['a write after the end'] as { events: unknown[] }[])[0]!.events.length === 1, 'the response error is recorded');
  assert.ok((upstream.metrics as { points: unknown[] }).points.length >= 5);
  // And the Beacon server really ran its own path, not upstream's.
  assert.ok(paths[1]!.closeListeners.filter((names) => names.includes('onResponseClose')).length === REQUESTS.length - 1, 'all but the ignored request');
  assert.ok(paths[0]!.closeListeners.every((names) => !names.includes('onResponseClose')));
  // Its requests' contexts derive from the request root (the ignored one's from the active context).
  assert.equal(paths[1]!.requestRoots.filter(Boolean).length, REQUESTS.length - 1);
  assert.ok(paths[0]!.requestRoots.every((fromRequestRoot) => !fromRequestRoot));
});

test('an https server: the same spans and points, with the https scheme', async () => {
  const requests: [string, Request][] = [
    ['GET with a route', (base) => httpsGet(`${base}/orders/7?page=2`)],
    ['500', (base) => httpsGet(`${base}/fail`)],
  ];
  const { upstream, beacon } = await bothPaths({ component: 'https' }, requests);
  for (const [what] of requests) assert.deepEqual(beacon[what], upstream[what], what);
  assert.deepEqual(beacon.metrics, upstream.metrics);
  assert.equal((upstream['GET with a route'] as ReturnType<typeof described>).find((span) => span.kind === 1)!.attributes['url.scheme'], 'https');
});

test('a listener that throws: the span ends with the error on both paths, and the error reaches the caller', async () => {
  const paths = [new PathUnderTest('upstream', {}), new PathUnderTest('Beacon', {})];
  try {
    const [upstream, beacon] = paths.map((path) => described(throwingRequest(path)));
    assert.deepEqual(beacon, upstream);
    assert.equal(upstream![0]!.status.code, 2);
    assert.equal(upstream![0]!.events[0]!.type, 'TypeError');
    // One difference, stated in the README: upstream's point also gets the status code of the
    // response that was never sent (its 'close' listener later writes into the attributes
    // it recorded with); Beacon's keeps what it was recorded with.
    const [upstreamPoints, beaconPoints] = [(await paths[0]!.durations()).points, (await paths[1]!.durations()).points];
    assert.equal(upstreamPoints[0]!.attributes['http.response.status_code'], 200);
    const { 'http.response.status_code': _status, ...recorded } = upstreamPoints[0]!.attributes;
    assert.deepEqual(beaconPoints, [{ ...upstreamPoints[0]!, attributes: recorded }]);
    assert.equal(recorded['error.type'], 'TypeError');
  } finally {
    await Promise.all(paths.map((path) => path.close()));
  }
});

test("every server-side option of upstream's is honoured the same way", async () => {
  const options: HttpInstrumentationConfig = {
    ...ignoreHealth,
    requestHook: (span: Span) => span.setAttribute('hook.request', true),
    responseHook: (span: Span, response) => {
      span.setAttribute('hook.response', true);
      if (response instanceof ServerResponse) response.setHeader('server-timing', 'total;dur=1');
    },
    startIncomingSpanHook: () => ({ 'hook.start': 'yes' }),
    applyCustomAttributesOnSpan: (span: Span) => span.setAttribute('hook.custom', 1),
    headersToSpanAttributes: { server: { requestHeaders: ['x-tenant'], responseHeaders: ['x-served-by'] } },
    redactedQueryParamsServer: ['page'],
    enableSyntheticSourceDetection: true,
  };
  const requests: [string, Request][] = [
    ...REQUESTS.slice(0, 2),
    ['a bot', (base) => call(`${base}/orders/7`, { headers: { 'user-agent': 'Googlebot/2.1' } })],
    ['a hook that throws is ignored', (base) => call(`${base}/orders/7?boom=1`)],
  ];
  const throwing = { ...options, requestHook: (span: Span, request: unknown) => {
    if ((request as IncomingMessage).url?.includes('boom')) throw new Error('hook broke');
    options.requestHook!(span, request as IncomingMessage);
  } };
  const { upstream, beacon } = await bothPaths({ options: throwing }, requests);
  for (const [what] of requests) assert.deepEqual(beacon[what], upstream[what], what);
  assert.deepEqual(beacon.metrics, upstream.metrics);
  const [first] = upstream[requests[0]![0]] as ReturnType<typeof described>;
  for (const key of ['hook.request', 'hook.response', 'hook.start', 'hook.custom', 'http.request.header.x-tenant', 'http.response.header.x-served-by']) {
    assert.ok(key in first!.attributes, `${key} recorded`);
  }
  assert.equal(first!.attributes['url.query'], 'sig=abc&page=REDACTED');
  assert.equal((upstream['a bot'] as ReturnType<typeof described>)[0]!.attributes['user_agent.synthetic.type'], 'bot');
});

test('requireParentforIncomingSpans: a span only under a caller\'s trace, on both paths', async () => {
  const requests: [string, Request][] = [
    ['no parent', (base) => call(`${base}/orders/7`)],
    ['a remote parent', (base) => call(`${base}/orders/7`, { headers: { traceparent: REMOTE_PARENT } })],
  ];
  const { upstream, beacon } = await bothPaths({ options: { requireParentforIncomingSpans: true } }, requests);
  for (const [what] of requests) assert.deepEqual(beacon[what], upstream[what], what);
  assert.deepEqual(beacon.metrics, upstream.metrics);
});

test('nothing sampled: no spans, the same duration points', async () => {
  const { upstream, beacon } = await bothPaths({ options: ignoreHealth, sampler: new AlwaysOffSampler() }, REQUESTS);
  for (const [what] of REQUESTS) assert.deepEqual(beacon[what], upstream[what], what);
  assert.deepEqual(beacon.metrics, upstream.metrics);
  assert.ok((upstream.metrics as { points: unknown[] }).points.length >= 5);
});

test("nothing sampled, no meter: Beacon's path records no duration until the app gives the instrumentation a meter provider", async () => {
  const setup: Setup = { options: ignoreHealth, sampler: new AlwaysOffSampler(), meter: false };
  // Upstream's histogram (recordDuration undefined), as with Beacon's metrics off.
  const paths = [new PathUnderTest('upstream', setup), new PathUnderTest('Beacon', { ...setup, light: { attributesAtStart: false, recordDuration: undefined } })];
  const recorded = [0, 0];
  for (const [index, path] of paths.entries()) {
    const internals = path.instrumentation as unknown as { _recordServerDuration(...args: unknown[]): void };
    const record = internals._recordServerDuration;
    internals._recordServerDuration = function (...args) {
      recorded[index]!++;
      record.apply(this, args);
    };
  }
  try {
    const bases = await Promise.all(paths.map((path) => path.listen()));
    const send = async () => {
      for (const [index, path] of paths.entries()) for (const [, request] of REQUESTS.slice(0, 5)) assert.deepEqual(await path.spansAfter(() => request(bases[index]!)), []);
    };
    await send();
    assert.equal(recorded[0], 5, "upstream's path records into the no-op histogram");
    assert.equal(recorded[1], 0, "Beacon's path works out no duration point that goes nowhere");
    for (const path of paths) path.instrumentation.setMeterProvider(path.meterProvider);
    await send();
    assert.equal(recorded[1], 5, 'once a meter provider is given, every request records its duration');
    const [upstream, beacon] = await Promise.all(paths.map((path) => path.durations()));
    assert.deepEqual(beacon, upstream);
    assert.equal(upstream!.points.reduce((sum, point) => sum + point.count, 0), 5, 'one point per request after the meter provider came');
  } finally {
    await Promise.all(paths.map((path) => path.close()));
  }
});

test('with the attributes given at the start (sampler rules read them), the spans are the same', async () => {
  const seenBySampler: Attributes[] = [];
  const sampler: Sampler = {
    shouldSample: (_context, _traceId, _name, _kind, attributes) => {
      seenBySampler.push({ ...attributes });
      return new AlwaysOnSampler().shouldSample();
    },
    toString: () => 'recording',
  };
  const { upstream, beacon } = await bothPaths({ options: ignoreHealth, sampler }, REQUESTS.slice(0, 5), { options: ignoreHealth, sampler, light: { attributesAtStart: true } });
  for (const [what] of REQUESTS.slice(0, 5)) assert.deepEqual(beacon[what], upstream[what], what);
  const withoutPorts = ({ 'network.peer.port': _peer, 'server.port': _server, ...rest }: Attributes) => rest;
  const serverStarts = seenBySampler.filter((attributes) => 'url.path' in attributes).map(withoutPorts);
  assert.equal(serverStarts.length, 10, 'the sampler saw the request attributes of every server span, on both paths');
  assert.deepEqual(serverStarts.slice(5), serverStarts.slice(0, 5));
});

after(() => context.disable());
