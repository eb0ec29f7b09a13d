/**
 * `logging.requests`: one line per HTTP request (method, route template, status, duration,
 * bytes, trace_id), written when the response closes, inside the request's trace context
 * (see server-requests.ts). Health and metrics paths are skipped.
 */
import type { IncomingMessage } from 'node:http';
import { type Context, context } from '../otel/api.cjs';
import type { Logger } from 'pino';
import { bodyBytes } from '../http/body-bytes.js';
import type { PathMatcher } from '../http/path-glob.js';
import { routeOf, watchServerRequests } from '../http/server-requests.js';
import type { LogFormat } from '../config/types.js';

export interface RequestLine {
  method: string;
  route: string | undefined;
  status: number;
  durationMs: number;
  bytes: number | undefined;
  aborted: boolean;
}

/** What the request's line needs of it once the response is done. */
interface LoggedRequest {
  readonly request: IncomingMessage;
  readonly requestContext: Context;
  readonly startedAt: number;
}

/** Starts request logging; returns the function that stops it. */
export function startRequestLogging(log: Logger, format: LogFormat, ignored: PathMatcher): () => void {
  let active = true;
  const stop = watchServerRequests<LoggedRequest>({
    start: (request, _response, requestContext) => (ignored(request.url ?? '/') ? undefined : { request, requestContext, startedAt: performance.now() }),
    done({ request, requestContext, startedAt }, response) {
      if (!active) return;
      const line: RequestLine = {
        method: request.method ?? 'GET',
        route: routeOf(requestContext),
        status: response.statusCode,
        durationMs: Math.round((performance.now() - startedAt) * 1000) / 1000,
        bytes: bodyBytes(request, response),
        aborted: !response.writableFinished,
      };
      context.with(requestContext, writeLine, undefined, log, format, line);
    },
  });
  return () => {
    active = false;
    stop();
  };
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
