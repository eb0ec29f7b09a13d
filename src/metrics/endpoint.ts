/**
 * Serving the metrics over HTTP, shared by Beacon's own server and by `metricsHandler()`
 * mounted on the app: access check first (a denied peer learns nothing, not even which
 * methods exist), then GET/HEAD only, then the Prometheus text or the JSON summary.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { globalErrorHandler } from '@opentelemetry/core';
import type { AccessPolicy } from './access.js';
import type { PullReader } from './pull-reader.js';

export type MetricsFormat = 'prometheus' | 'json';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export async function serveMetrics(
  request: IncomingMessage,
  response: ServerResponse,
  reader: PullReader,
  access: AccessPolicy,
  /** null: a path that serves nothing (404, but only for those who may know). */
  format: MetricsFormat | null,
): Promise<void> {
  const decision = access(request);
  if (decision.status === 403) return end(response, 403);
  if (decision.status === 401) return end(response, 401, { 'WWW-Authenticate': decision.challenge });
  if (format === null) return end(response, 404);
  if (request.method !== 'GET' && request.method !== 'HEAD') return end(response, 405, { Allow: 'GET, HEAD' });
  let body: string;
  try {
    if (format === 'json') {
      const { summarize } = await import('./summary.js'); // loaded on the first JSON request
      body = JSON.stringify(summarize(await reader.collectNow()), null, 2);
    } else {
      body = await reader.prometheusText();
    }
  } catch (error) {
    // Reported once per interval (rate-limited); the scrape fails visibly rather than empty.
    globalErrorHandler(error as Error);
    return end(response, 503, { 'Content-Type': 'text/plain; charset=utf-8' }, `# metrics collection failed: ${(error as Error).message}\n`);
  }
  const contentType = format === 'json' ? 'application/json; charset=utf-8' : PROMETHEUS_CONTENT_TYPE;
  response.writeHead(200, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
  response.end(request.method === 'HEAD' ? undefined : body);
}

function end(response: ServerResponse, status: number, headers: Record<string, string> = {}, body?: string): void {
  if (response.headersSent) return void response.end();
  response.writeHead(status, { ...headers, 'Content-Length': body ? Buffer.byteLength(body) : 0 });
  response.end(body);
}
