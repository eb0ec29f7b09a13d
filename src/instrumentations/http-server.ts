/**
 * The http instrumentation's server side, on a lighter path: the same spans and
 * `http.server.request.duration` points as upstream's, for less work per request.
 *
 * Every incoming request pays for this whether it is sampled or not, and upstream's path
 * allocates for each one a handful of closures (the context callback, a 'close' and an
 * error listener, the try/catch helpers around each hook) and keeps every span in a WeakSet
 * until it ends, and before the span starts it parses the request's URL and builds a dozen
 * attributes, which the SDK copies and checks, for nine requests in ten (at 0.1) to drop them
 * with their non-recording span. Here the listeners are shared functions that find their
 * request's state on the response, the state is one object, the request's context is
 * derived from a lighter root (http/request-context.ts says why), and the request's attributes
 * are worked out once its span records, unless something reads them at the start (see
 * LightServerPathOptions). What a span says is still worked out by
 * upstream's own functions (its attributes, the status from the response, the error type,
 * header capture), and every option of the instrumentation's server side is honoured, so
 * the output does not change: test/unit/http-server-spans.test.ts sends the same requests
 * down both paths and compares spans and metric points.
 *
 * The path is put in place of the instrumentation's per-request function, which is private:
 * the package is pinned to one version (package.json) and the test above fails if that
 * function goes away.
 */
import { errorMonitor } from 'node:events';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import {
  type Attributes,
  type Context,
  type DiagLogger,
  INVALID_SPAN_CONTEXT,
  type Span,
  SpanKind,
  type Tracer,
  context,
  createNoopMeter,
  propagation,
  trace,
} from '../otel/api.cjs';
import { RPCType, setRPCMetadata, suppressTracing } from '../otel/core.cjs';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { REQUEST_ROOT_CONTEXT } from '../http/request-context.js';
import { normalizedMethod } from '../http/request-method.js';
import { dispatchServerRequest, dispatchesServerRequests } from '../http/server-requests.js';
import upstreamFiles from '../otel/upstream-files.cjs';

type Emit = (this: Server, event: string | symbol, ...args: unknown[]) => boolean;
type Component = 'http' | 'https';
type Headers = (name: string) => unknown;

/** The options of upstream's server side (its HttpInstrumentationConfig). */
interface ServerOptions {
  ignoreIncomingRequestHook?: (request: IncomingMessage) => boolean;
  startIncomingSpanHook?: (request: IncomingMessage) => Attributes;
  requestHook?: (span: Span, request: IncomingMessage) => void;
  responseHook?: (span: Span, response: ServerResponse) => void;
  applyCustomAttributesOnSpan?: (span: Span, request: IncomingMessage, response: ServerResponse) => void;
  requireParentforIncomingSpans?: boolean;
  enableSyntheticSourceDetection?: boolean;
  redactedQueryParamsServer?: string[];
}

/** What this path uses of the instrumentation object (instrumentation-http 0.300.0). */
interface HttpInstrumentationInternals {
  readonly tracer: Tracer;
  readonly _diag: DiagLogger;
  readonly _headerCapture: { server: { captureRequestHeaders(get: Headers): Attributes; captureResponseHeaders(get: Headers): Attributes } };
  /** Upstream's duration histogram, from the instrumentation's meter (replaced by setMeterProvider). */
  readonly _httpServerDurationHistogram: unknown;
  getConfig(): ServerOptions;
  _recordServerDuration(durationMs: number, attributes: Attributes): void;
  _incomingRequestFunction(component: Component, original: Emit): Emit;
}

/** Upstream's attribute functions (its dist/utils.cjs: not exported from the package's entry). */
interface HttpUtils {
  getIncomingRequestAttributes(
    request: IncomingMessage,
    options: { component: Component; hookAttributes?: Attributes; enableSyntheticSourceDetection: boolean; redactedQueryParams?: string[] },
    logger: DiagLogger,
  ): Attributes;
  getIncomingRequestAttributesOnResponse(response: ServerResponse): Attributes;
  getIncomingStableRequestMetricAttributesOnResponse(spanAttributes: Attributes): Attributes;
  parseResponseStatus(kind: SpanKind, statusCode: number): number;
  parseErrorType(kind: SpanKind, statusCode: number): string | undefined;
  setSpanWithError(span: Span, error: Error): void;
}

/** Loaded with the first instrumentation given this path: not at all when the http instrumentation is off. */
let utils: HttpUtils;

const REQUEST = Symbol('beacon.serverRequest');
/** What a meter of the API's no-op provider gives: one shared histogram that records nothing. */
const NOOP_HISTOGRAM = createNoopMeter().createHistogram('http.server.request.duration');
const SERVER_SPAN = Object.freeze({ kind: SpanKind.SERVER });

/** One request's span, from its start to the response's 'close' (or an error). */
interface ServerRequest {
  readonly instrumentation: HttpInstrumentationInternals;
  readonly request: IncomingMessage;
  readonly span: Span;
  /** Undefined when the duration point goes nowhere: then it is not worked out at all. */
  readonly metricAttributes: Attributes | undefined;
  readonly startedAt: number;
  ended: boolean;
}

type TrackedResponse = ServerResponse & { [REQUEST]?: ServerRequest };

export interface LightServerPathOptions {
  /**
   * Where a request's duration point goes: null for nowhere; without it, upstream's histogram
   * (the SDK's), which records nothing while the instrumentation's meter is the API's no-op one.
   */
  recordDuration?: ((durationMs: number, attributes: Attributes) => void) | null;
  /**
   * Something reads a server span's attributes as it starts: sampler rules, or span
   * processors of the app's. Otherwise a request's attributes are worked out only when its
   * span records (they are the same, set right after the start), and a request that is not
   * sampled is spared parsing its URL and building and checking a dozen attributes.
   */
  attributesAtStart: boolean;
}

/** Puts the lighter server path in place of upstream's, for `http` and `https` servers alike. */
export function useLightServerPath(instrumentation: Instrumentation, options: LightServerPathOptions): void {
  utils ??= upstreamFiles.requireUpstreamFile<HttpUtils>('@opentelemetry/instrumentation-http', 'utils.cjs');
  const internals = instrumentation as unknown as HttpInstrumentationInternals;
  if (options.recordDuration) internals._recordServerDuration = options.recordDuration;
  // Upstream's histogram is asked per request: the app may give the instrumentation a meter
  // provider at any time. Beacon's recorder (or none) is fixed at setup.
  const recordsToBeacon = options.recordDuration !== null;
  const durationRecorded = options.recordDuration === undefined ? () => internals._httpServerDurationHistogram !== NOOP_HISTOGRAM : () => recordsToBeacon;
  internals._incomingRequestFunction = (component, original) => incomingRequest(internals, component, original, options, durationRecorded);
}

function incomingRequest(
  instrumentation: HttpInstrumentationInternals,
  component: Component,
  original: Emit,
  options: LightServerPathOptions,
  durationRecorded: () => boolean,
): Emit {
  // Hands each request to Beacon's request watchers (http/server-requests.ts) as well: no
  // listener of their own in front of the app's.
  return dispatchesServerRequests(function (this: Server, event: string | symbol): boolean {
    // `arguments` is handed on as it is: no copy of the listener arguments per request.
    const args = arguments as unknown as unknown[];
    if (event !== 'request') return Reflect.apply(original, this, args);
    const request = args[1] as IncomingMessage;
    const response = args[2] as TrackedResponse;
    const config = instrumentation.getConfig();
    if (ignored(instrumentation, config, request)) {
      const suppressed = suppressTracing(context.active());
      context.bind(suppressed, request);
      context.bind(suppressed, response);
      dispatchServerRequest(request, response, suppressed);
      return context.with(suppressed, Reflect.apply, undefined, original, this, args) as boolean;
    }
    // The hook's attributes are for the sampler too.
    const attributes = options.attributesAtStart || config.startIncomingSpanHook ? requestAttributes(instrumentation, config, component, request) : undefined;
    const recorded = durationRecorded();
    const startedAt = recorded ? performance.now() : 0;
    const metricAttributes = recorded
      ? metricAttributesOf(attributes ?? { 'http.request.method': normalizedMethod(request.method), 'url.scheme': component, 'network.protocol.version': request.httpVersion })
      : undefined;
    const parent = propagation.extract(REQUEST_ROOT_CONTEXT, request.headers);
    const span = startSpan(instrumentation, config, request.method || 'GET', attributes, parent);
    if (attributes === undefined && span.isRecording()) span.setAttributes(requestAttributes(instrumentation, config, component, request));
    const requestContext = setRPCMetadata(trace.setSpan(parent, span), { type: RPCType.HTTP, span });
    const state: ServerRequest = { instrumentation, request, span, metricAttributes, startedAt, ended: false };
    response[REQUEST] = state;
    // Bound first, so that these listeners run in the request's context with any context manager.
    context.bind(requestContext, request);
    context.bind(requestContext, response);
    response.on('close', onResponseClose);
    response.on(errorMonitor, onResponseError);
    dispatchServerRequest(request, response, requestContext);
    return context.with(requestContext, runHandler, undefined, original, this, args, state, response);
  });
}

/** What upstream's duration point takes from the span's attributes at the start. */
function metricAttributesOf(attributes: Attributes): Attributes {
  const metricAttributes: Attributes = { 'http.request.method': attributes['http.request.method'], 'url.scheme': attributes['url.scheme'] };
  if (attributes['network.protocol.version']) metricAttributes['network.protocol.version'] = attributes['network.protocol.version'];
  return metricAttributes;
}

/** The span's attributes from the request, by upstream's functions. */
function requestAttributes(instrumentation: HttpInstrumentationInternals, config: ServerOptions, component: Component, request: IncomingMessage): Attributes {
  const attributes = utils.getIncomingRequestAttributes(
    request,
    {
      component,
      hookAttributes: config.startIncomingSpanHook ? callHook(() => config.startIncomingSpanHook!(request)) : undefined,
      enableSyntheticSourceDetection: config.enableSyntheticSourceDetection ?? false,
      ...(config.redactedQueryParamsServer ? { redactedQueryParams: config.redactedQueryParamsServer } : {}),
    },
    instrumentation._diag,
  );
  return Object.assign(attributes, instrumentation._headerCapture.server.captureRequestHeaders((name) => request.headers[name]));
}

/** In the request's context: the hooks, then the app's listeners; an error they throw ends the span. */
function runHandler(original: Emit, server: Server, args: unknown[], state: ServerRequest, response: ServerResponse): boolean {
  const config = state.instrumentation.getConfig();
  if (config.requestHook) callHook(() => config.requestHook!(state.span, state.request));
  if (config.responseHook) callHook(() => config.responseHook!(state.span, response));
  try {
    return Reflect.apply(original, server, args);
  } catch (error) {
    endWithError(state, error as Error);
    throw error;
  }
}

function ignored(instrumentation: HttpInstrumentationInternals, config: ServerOptions, request: IncomingMessage): boolean {
  if (!config.ignoreIncomingRequestHook) return false;
  try {
    return config.ignoreIncomingRequestHook(request) === true;
  } catch (error) {
    instrumentation._diag.error('caught ignoreIncomingRequestHook error: ', error);
    return false;
  }
}

/** As upstream: with `requireParentforIncomingSpans`, no span without a parent, and a remote parent's own span. */
function startSpan(instrumentation: HttpInstrumentationInternals, config: ServerOptions, name: string, attributes: Attributes | undefined, parent: Context): Span {
  if (config.requireParentforIncomingSpans === true) {
    const parentSpan = trace.getSpan(parent);
    if (!parentSpan || !trace.isSpanContextValid(parentSpan.spanContext())) return trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
    if (parentSpan.spanContext().isRemote) return parentSpan;
  }
  return instrumentation.tracer.startSpan(name, attributes ? { kind: SpanKind.SERVER, attributes } : SERVER_SPAN, parent);
}

/** Finished or aborted ('close' comes for both), in the request's context (the response is bound to it). */
function onResponseClose(this: TrackedResponse): void {
  const state = this[REQUEST];
  if (!state || state.ended) return;
  const { instrumentation, span, metricAttributes } = state;
  const recording = span.isRecording();
  // A request nobody records (not sampled, no duration point) is spared its response attributes.
  const attributes = recording || metricAttributes ? utils.getIncomingRequestAttributesOnResponse(this) : {};
  if (metricAttributes) Object.assign(metricAttributes, utils.getIncomingStableRequestMetricAttributesOnResponse(attributes));
  if (recording) {
    span.setAttributes(instrumentation._headerCapture.server.captureResponseHeaders((name) => this.getHeader(name)));
    span.setAttributes(attributes).setStatus({ code: utils.parseResponseStatus(SpanKind.SERVER, this.statusCode) });
    const errorType = utils.parseErrorType(SpanKind.SERVER, this.statusCode);
    if (errorType !== undefined) span.setAttribute('error.type', errorType);
    const route = attributes['http.route'];
    if (route) span.updateName(`${state.request.method || 'GET'} ${String(route)}`);
  }
  const applyCustomAttributes = instrumentation.getConfig().applyCustomAttributesOnSpan;
  if (applyCustomAttributes) callHook(() => applyCustomAttributes(span, state.request, this));
  end(state);
}

function onResponseError(this: TrackedResponse, error: Error): void {
  const state = this[REQUEST];
  if (state && !state.ended) endWithError(state, error);
}

function endWithError(state: ServerRequest, error: Error): void {
  if (state.ended) return;
  utils.setSpanWithError(state.span, error);
  if (state.metricAttributes) state.metricAttributes['error.type'] = error.name;
  end(state);
}

function end(state: ServerRequest): void {
  state.ended = true;
  state.span.end();
  if (state.metricAttributes) state.instrumentation._recordServerDuration(performance.now() - state.startedAt, state.metricAttributes);
}

/** A hook of the app's that throws is ignored, as upstream's safeExecuteInTheMiddle does. */
function callHook<T>(hook: () => T): T | undefined {
  try {
    return hook();
  } catch {
    return undefined;
  }
}
