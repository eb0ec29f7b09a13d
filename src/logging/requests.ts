/**
 * `logging.requests`: one line per HTTP request (method, route template, status, duration,
 * bytes, trace_id). Node publishes `http.server.request.start` before the server emits
 * 'request'; the first time a server is seen, a 'request' listener is put in front of the
 * app's. That listener runs inside the HTTP instrumentation's span context, which is kept
 * for the line written when the response closes. Health and metrics paths are skipped.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { type Context, context, trace } from '@opentelemetry/api';
import { getRPCMetadata } from '@opentelemetry/core';
import type { Logger } from 'pino';
import type { PathMatcher } from '../common/path-glob.js';
import type { LogFormat } from '../config/types.js';

const REQUEST_START = 'http.server.request.start';

export interface RequestLine {
  method: string;
  route: string | undefined;
  status: number;
  durationMs: number;
  bytes: number | undefined;
  aborted: boolean;
}

/** Starts request logging; returns the function that stops it. */
export function startRequestLogging(log: Logger, format: LogFormat, ignored: PathMatcher): () => void {
  const servers = new WeakSet<Server>();
  let active = true;

  const onRequest = (request: IncomingMessage, response: ServerResponse) => {
    if (!active || ignored(request.url ?? '/')) return;
    const started = performance.now();
    const requestContext = context.active();
    response.once('close', () => {
      if (!active) return;
      const line: RequestLine = {
        method: request.method ?? 'GET',
        route: routeOf(requestContext),
        status: response.statusCode,
        durationMs: Math.round((performance.now() - started) * 1000) / 1000,
        bytes: contentLength(response),
        aborted: !response.writableFinished,
      };
      context.with(requestContext, () => writeLine(log, format, line));
    });
  };

  const onStart = (message: unknown) => {
    const { server } = message as { server?: Server };
    if (!server || servers.has(server)) return;
    servers.add(server);
    server.prependListener('request', onRequest);
  };
  diagnosticsChannel.subscribe(REQUEST_START, onStart);
  return () => {
    active = false;
    diagnosticsChannel.unsubscribe(REQUEST_START, onStart);
  };
}

/** The route template: from the framework instrumentation (express), else the span's attribute. */
function routeOf(requestContext: Context): string | undefined {
  const route = getRPCMetadata(requestContext)?.route;
  if (route) return route;
  const attributes = (trace.getSpan(requestContext) as { attributes?: Record<string, unknown> } | undefined)?.attributes;
  const fromSpan = attributes?.['http.route'];
  return typeof fromSpan === 'string' ? fromSpan : undefined;
}

function contentLength(response: ServerResponse): number | undefined {
  const header = Number(response.getHeader('content-length'));
  return Number.isFinite(header) ? header : undefined;
}

function writeLine(log: Logger, format: LogFormat, line: RequestLine): void {
  const level = line.status >= 500 ? 'error' : 'info';
  const message = `${line.method} ${line.route ?? '(no route)'} ${line.status}${line.aborted ? ' (aborted)' : ''}`;
  if (format === 'ecs') {
    log[level](
      {
        'http.request.method': line.method,
        ...(line.route ? { 'http.route': line.route } : {}),
        'http.response.status_code': line.status,
        ...(line.bytes === undefined ? {} : { 'http.response.body.bytes': line.bytes }),
        'event.duration': Math.round(line.durationMs * 1e6),
      },
      message,
    );
    return;
  }
  log[level](
    {
      method: line.method,
      ...(line.route ? { route: line.route } : {}),
      status: line.status,
      duration_ms: line.durationMs,
      ...(line.bytes === undefined ? {} : { bytes: line.bytes }),
      ...(line.aborted ? { aborted: true } : {}),
    },
    message,
  );
}
