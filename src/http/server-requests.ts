/**
 * Every HTTP server request, seen from inside its trace context. Beacon's server path
 * (instrumentations/http-server.ts) hands each request of the servers it runs to the watchers
 * itself, in the request's context. Any other server is found through Node's
 * `http.server.request.start` channel: the first time it is seen, one 'request' listener is
 * put in front of the app's, and it runs in whatever context the server's emit set up.
 * Either way the route template and the trace id are read from that context once the
 * response is done, and the response's body bytes are counted from the start (body-bytes.ts).
 * One dispatch per request, however many watchers there are; per response, each watcher's
 * state sits on the response under the watcher's own key, read by one shared 'close' listener
 * (no closure per request).
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { type Context, context, trace } from '../otel/api.cjs';
import { getRPCMetadata } from '../otel/core.cjs';
import { countBodyBytes } from './body-bytes.js';

const REQUEST_START = 'http.server.request.start';

/** What a watcher keeps of a request from its start to the end of its response. */
export interface RequestWatcher<State> {
  /** At the request's start, in its context: the state to keep, or undefined to leave this request alone. */
  start(request: IncomingMessage, response: ServerResponse, requestContext: Context): State | undefined;
  /** Once the response is over, finished or aborted ('close' comes once for both). */
  done(state: State, response: ServerResponse): void;
}

type Dispatch = (request: IncomingMessage, response: ServerResponse, requestContext: Context) => void;

const watchers = new Set<Dispatch>();
const servers = new WeakSet<Server>();
/** On a server's emit that dispatches its requests itself. */
const DISPATCHES = Symbol('beacon.dispatchesServerRequests');
/** On a response once dispatched. */
const DISPATCHED = Symbol('beacon.dispatchedServerRequest');

type MarkedEmit = { [DISPATCHES]?: true };
type MarkedResponse = ServerResponse & { [DISPATCHED]?: true };

/**
 * Hands a request to the watchers. Called by a server path for each request it runs, or by
 * the listener below. Once per response: a server first seen before Beacon's path was in
 * place keeps its listener, and both would call.
 */
export function dispatchServerRequest(request: IncomingMessage, response: ServerResponse, requestContext: Context): void {
  if (watchers.size === 0 || (response as MarkedResponse)[DISPATCHED]) return; // all stopped: the listener stays on servers already seen
  (response as MarkedResponse)[DISPATCHED] = true;
  countBodyBytes(response);
  for (const watcher of watchers) watcher(request, response, requestContext);
}

/** Marks `emit` (a server's, patched) as one that calls dispatchServerRequest for each request. */
export function dispatchesServerRequests<F extends object>(emit: F): F {
  (emit as MarkedEmit)[DISPATCHES] = true;
  return emit;
}

const dispatchListener = (request: IncomingMessage, response: ServerResponse) => dispatchServerRequest(request, response, context.active());

const onStart = (message: unknown) => {
  const { server } = message as { server?: Server };
  if (!server || (server.emit as MarkedEmit)[DISPATCHES] || servers.has(server)) return;
  servers.add(server);
  server.prependListener('request', dispatchListener);
};

/** Hands `watcher` each request from now on; returns the function that stops it. */
export function watchServerRequests<State>(watcher: RequestWatcher<State>): () => void {
  const key = Symbol('beacon.watchedRequest');
  type Watched = ServerResponse & Record<symbol, State>;
  // 'close' comes once, finished or aborted: a plain listener, without the wrapper `once` allocates.
  function onClose(this: ServerResponse): void {
    watcher.done((this as Watched)[key]!, this);
  }
  const dispatchTo: Dispatch = (request, response, requestContext) => {
    const state = watcher.start(request, response, requestContext);
    if (state === undefined) return;
    (response as Watched)[key] = state;
    response.on('close', onClose);
  };
  if (watchers.size === 0) subscribe(REQUEST_START, onStart);
  watchers.add(dispatchTo);
  return () => {
    watchers.delete(dispatchTo);
    if (watchers.size === 0) unsubscribe(REQUEST_START, onStart);
  };
}

/** The route template: from the framework instrumentation (express), else the span's attribute. */
export function routeOf(requestContext: Context): string | undefined {
  const route = getRPCMetadata(requestContext)?.route;
  if (route) return route;
  const attributes = (trace.getSpan(requestContext) as { attributes?: Record<string, unknown> } | undefined)?.attributes;
  const fromSpan = attributes?.['http.route'];
  return typeof fromSpan === 'string' ? fromSpan : undefined;
}
