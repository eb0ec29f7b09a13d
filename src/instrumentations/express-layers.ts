/**
 * The express instrumentation's layers, on a lighter path: the same spans and the same
 * `http.route` as upstream's, for less work per layer.
 *
 * For each layer of a sampled request upstream copies the layer's arguments, binds the layer's
 * function and its `next` callback to a context (a new function each, with its length
 * redefined), and listens once for the response's 'close' (a wrapper and a bound function,
 * removed again when `next` is called). Measured hot (express with a route parameter, every
 * request sampled, spans not exported), that machinery cost 0.43× bare's CPU per request
 * against 0.19× for the layer's span itself. Here the layer runs in its span's context through
 * `context.with`, `next` is wrapped by a function made in a factory of its own (nextOf says
 * why that matters to the GC), and a layer span still open when the layer returns is ended by
 * one shared 'close' listener per response that finds it on the response. The sampled path
 * is a function of its own, so that the per-layer function the JIT optimises for the nine
 * requests in ten that are not sampled stays small. A layer of a request
 * that is not sampled starts no span at all (upstream starts one for every layer as long as any
 * span is active, never recorded), and still sets the route for the server span and metrics.
 *
 * What a span says is still worked out by upstream's own functions (route, name, type,
 * `ignoreLayers`/`ignoreLayersType`, `spanNameHook`, `requestHook`), so the output does not
 * change: test/unit/express-layer-spans.test.ts serves the same requests down both paths and
 * compares spans and routes. The path replaces the instrumentation's `_applyPatch`, which is
 * private: the package is pinned to one version (package.json) and that test fails if the
 * method goes away.
 */
import type { ServerResponse } from 'node:http';
import { type Attributes, type Context, type Span, SpanStatusCode, type Tracer, context, diag, trace } from '../otel/api.cjs';
import { RPCType, getRPCMetadata } from '../otel/core.cjs';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import upstreamFiles from '../otel/upstream-files.cjs';

type Handle = ((...args: unknown[]) => unknown) & Record<string, unknown>;

/** An express (or router) layer, as the instrumentation sees it. */
interface Layer {
  name: string;
  path?: string;
  handle: Handle;
  [patchedMark: symbol]: boolean | undefined;
}

/** express's request, with the layer paths the instrumentation stores on it. */
type Request = { route?: unknown } & Record<string, unknown>;

interface LayerInfo {
  request: Request;
  layerType: string;
  route: string;
}

/** The options of upstream's instrumentation that this path reads (its ExpressInstrumentationConfig). */
interface ExpressOptions {
  requestHook?: (span: Span, info: LayerInfo) => void;
}

/** What this path uses of the instrumentation object (instrumentation-express 0.72.0). */
interface ExpressInstrumentationInternals {
  readonly tracer: Tracer;
  getConfig(): ExpressOptions;
  _getSpanName(info: LayerInfo, defaultName: string): string;
  _applyPatch(layer: Layer, layerPath?: string): void;
  _wrap(target: Layer, name: 'handle', wrapper: (original: Handle) => Handle): void;
}

/** Upstream's functions (its dist/utils.cjs and internal-types.cjs: not exported from the package's entry). */
interface ExpressUtils {
  storeLayerPath(request: Request, layerPath?: string): { isLayerPathStored: boolean };
  getConstructedRoute(request: Request): string;
  getActualMatchedRoute(request: Request): string | undefined;
  getLayerMetadata(route: string, layer: Layer, layerPath?: string): { attributes: Attributes & { 'express.type': string }; name: string };
  isLayerIgnored(name: string, type: string, config: ExpressOptions): boolean;
  asErrorAndMessage(error: unknown): [Error | string, string];
}
interface ExpressInternalTypes {
  kLayerPatched: symbol;
  _LAYERS_STORE_PROPERTY: string;
}

/** Loaded with the first instrumentation given this path: not at all when express is not traced. */
let utils: ExpressUtils;
let internalTypes: ExpressInternalTypes;

/** A layer span that may outlive its layer's function, until `next` is called or the response closes. */
interface OpenLayer {
  readonly span: Span;
  ended: boolean;
}

/** What a layer's `next` needs to end the layer and hand on to the next one. */
interface LayerExit {
  readonly layer: OpenLayer;
  readonly request: Request;
  readonly isLayerPathStored: boolean;
  readonly parentSpan: Span;
  readonly next: Handle;
}

const OPEN_LAYERS = Symbol('beacon.openLayerSpans');
type TrackedResponse = ServerResponse & { [OPEN_LAYERS]?: OpenLayer[] };

/** Puts the lighter layer path in place of upstream's, for every layer patched from now on. */
export function useLightLayerPath(instrumentation: Instrumentation): void {
  utils ??= upstreamFiles.requireUpstreamFile<ExpressUtils>('@opentelemetry/instrumentation-express', 'utils.cjs');
  internalTypes ??= upstreamFiles.requireUpstreamFile<ExpressInternalTypes>('@opentelemetry/instrumentation-express', 'internal-types.cjs');
  const internals = instrumentation as unknown as ExpressInstrumentationInternals;
  internals._applyPatch = (layer, layerPath) => patchLayer(internals, layer, layerPath);
}

function patchLayer(instrumentation: ExpressInstrumentationInternals, layer: Layer, layerPath: string | undefined): void {
  if (layer[internalTypes.kLayerPatched] === true) return;
  layer[internalTypes.kLayerPatched] = true;
  instrumentation._wrap(layer, 'handle', (original) => {
    // Error handlers (four parameters) are left as they are, as upstream leaves them.
    if (original.length === 4) return original;
    const handle = function (this: unknown, request: Request, response: ServerResponse): unknown {
      return handleLayer(instrumentation, layer, layerPath, original, this, arguments, request, response);
    } as Handle;
    // What express reads off a layer's function (a router's `stack`, say) still reaches the original.
    for (const key in original) {
      Object.defineProperty(handle, key, {
        get: () => original[key],
        set: (value: unknown) => {
          original[key] = value;
        },
      });
    }
    return handle;
  });
}

/** Every layer of every request: the route bookkeeping upstream does, then a span only if the request records. */
function handleLayer(instrumentation: ExpressInstrumentationInternals, layer: Layer, layerPath: string | undefined, original: Handle, thisArg: unknown, args: IArguments, request: Request, response: ServerResponse): unknown {
  const { isLayerPathStored } = utils.storeLayerPath(request, layerPath);
  const constructedRoute = utils.getConstructedRoute(request);
  const route = utils.getActualMatchedRoute(request);
  const metadata = utils.getLayerMetadata(constructedRoute, layer, layerPath);
  const type = metadata.attributes['express.type'];
  const parentContext = context.active();
  const rpcMetadata = getRPCMetadata(parentContext);
  if (rpcMetadata?.type === RPCType.HTTP) rpcMetadata.route = route;
  const parentSpan = trace.getSpan(parentContext);
  if (parentSpan?.isRecording() === false || utils.isLayerIgnored(metadata.name, type, instrumentation.getConfig())) {
    if (type !== 'router' && isLayerPathStored) (request[internalTypes._LAYERS_STORE_PROPERTY] as string[]).pop();
    return Reflect.apply(original, thisArg, args);
  }
  if (parentSpan === undefined) return Reflect.apply(original, thisArg, args);
  const info: LayerInfo = { request, layerType: type, route: constructedRoute };
  const attributes = Object.assign({ 'http.route': route }, metadata.attributes);
  return traceLayer(instrumentation, instrumentation._getSpanName(info, metadata.name), attributes, info, original, thisArg, args, response, parentContext, parentSpan, isLayerPathStored);
}

/** A sampled request's layer: its span, the layer run in the span's context, `next` back in the parent's. */
function traceLayer(
  instrumentation: ExpressInstrumentationInternals,
  name: string,
  attributes: Attributes,
  info: LayerInfo,
  original: Handle,
  thisArg: unknown,
  args: IArguments,
  response: ServerResponse,
  parentContext: Context,
  parentSpan: Span,
  isLayerPathStored: boolean,
): unknown {
  const span = instrumentation.tracer.startSpan(name, { attributes });
  const { requestHook } = instrumentation.getConfig();
  if (requestHook) {
    try {
      requestHook(span, info);
    } catch (error) {
      diag.error('express instrumentation: request hook failed', error);
    }
  }
  const layer: OpenLayer = { span, ended: false };
  let layerContext = trace.setSpan(parentContext, span);
  // A router's span covers only the routing decision: it ends at once, and its layers are its siblings.
  if (info.layerType === 'router') {
    span.end();
    layer.ended = true;
    layerContext = parentContext;
  }
  const nextIndex = indexOfFunction(args);
  if (nextIndex >= 0) args[nextIndex] = nextOf({ layer, request: info.request, isLayerPathStored, parentSpan, next: args[nextIndex] as Handle });
  try {
    return context.with(layerContext, Reflect.apply, undefined, original, thisArg, args);
  } catch (error) {
    recordError(span, error);
    throw error;
  } finally {
    // Neither `next` called nor a router: the layer answers, now or later.
    if (!layer.ended) endWithResponse(response, layer);
  }
}

/**
 * The `next` the layer is given, made here rather than as a closure inside traceLayer. Measured
 * with that closure (as upstream makes it, inside its per-layer function): express, every
 * request sampled, ~20 % of the young generation survived each scavenge instead of ~0.1 %
 * (`--trace-gc-nvp`), and GC took ~10 ms per 1,000 requests instead of ~4.
 */
function nextOf(exit: LayerExit): Handle {
  return function (this: unknown): unknown {
    return layerDone(exit, this, arguments);
  } as Handle;
}

/** The layer called `next`: its span ends (with the error passed on, if any), and the next layer runs in the parent's span. */
function layerDone({ layer, request, isLayerPathStored, parentSpan, next }: LayerExit, thisArg: unknown, args: IArguments): unknown {
  const passed = args[0];
  const isError = passed !== undefined && passed !== null && passed !== 'route' && passed !== 'router';
  if (!layer.ended) {
    if (isError) recordError(layer.span, passed);
    layer.ended = true;
    layer.span.end();
  }
  if (!(request.route && isError) && isLayerPathStored) (request[internalTypes._LAYERS_STORE_PROPERTY] as string[]).pop();
  return context.with(trace.setSpan(context.active(), parentSpan), Reflect.apply, undefined, next, thisArg, args);
}

function recordError(span: Span, thrown: unknown): void {
  const [error, message] = utils.asErrorAndMessage(thrown);
  span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

function indexOfFunction(args: IArguments): number {
  for (let i = 0; i < args.length; i++) if (typeof args[i] === 'function') return i;
  return -1;
}

/** One 'close' listener per response ends every layer span still open on it. */
function endWithResponse(response: TrackedResponse, layer: OpenLayer): void {
  const open = response[OPEN_LAYERS];
  if (open) return void open.push(layer);
  response[OPEN_LAYERS] = [layer];
  response.on('close', endOpenLayers);
}

function endOpenLayers(this: TrackedResponse): void {
  for (const layer of this[OPEN_LAYERS]!) {
    if (layer.ended) continue;
    layer.ended = true;
    layer.span.end();
  }
}
