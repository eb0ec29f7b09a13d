/**
 * Every HTTP server request, seen from inside its trace context. Node publishes
 * `http.server.request.start` before a server emits 'request'; the first time a server is
 * seen, one 'request' listener is put in front of the app's. It runs inside the HTTP
 * instrumentation's span context (the instrumentation wraps emit), which is where the
 * route template and the trace id are read from once the response is done; it also starts
 * counting the response's body bytes (body-bytes.ts). One listener per server, however many
 * watchers there are; per response, each watcher's state sits on the response under the
 * watcher's own key, read by one shared 'close' listener (no closure per request).
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

const dispatch = (request: IncomingMessage, response: ServerResponse) => {
  if (watchers.size === 0) return; // all stopped; the listener stays on servers already seen
  countBodyBytes(response);
  const requestContext = context.active();
  for (const watcher of watchers) watcher(request, response, requestContext);
};

const onStart = (message: unknown) => {
  const { server } = message as { server?: Server };
  if (!server || servers.has(server)) return;
  servers.add(server);
  server.prependListener('request', dispatch);
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
