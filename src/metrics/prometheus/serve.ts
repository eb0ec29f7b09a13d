/**
 * Serving the metrics over HTTP, shared by Beacon's own server and by `metricsHandler()`
 * mounted on the app: access check first (a denied peer learns nothing, not even which
 * methods exist), then GET/HEAD only, then the Prometheus text or the JSON summary of the
 * current snapshot (shared with concurrent and recent scrapes, scrape-cache.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { globalErrorHandler } from '../../otel/core.cjs';
import { warn } from '../../diagnostics.js';
import type { AccessPolicy } from './access.js';
import type { Body } from './scrape-body.js';
import type { ScrapeCache } from './scrape-cache.js';

export type MetricsFormat = 'prometheus' | 'json';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
const TEXT = { 'Content-Type': 'text/plain; charset=utf-8' };

export async function serveMetrics(
  request: IncomingMessage,
  response: ServerResponse,
  cache: ScrapeCache,
  access: AccessPolicy,
  /** null: a path that serves nothing (404, but only for those who may know). */
  format: MetricsFormat | null,
): Promise<void> {
  const decision = access(request);
  if (decision.status === 403) return end(response, 403);
  if (decision.status === 401) return end(response, 401, { 'WWW-Authenticate': decision.challenge });
  if (format === null) return end(response, 404);
  if (request.method !== 'GET' && request.method !== 'HEAD') return end(response, 405, { Allow: 'GET, HEAD' });
  let body: Body;
  try {
    const snapshot = cache.snapshot();
    body = await (format === 'json' ? snapshot.json() : snapshot.prometheus());
  } catch (error) {
    // Reported once per interval (rate-limited); the scrape fails visibly rather than empty.
    globalErrorHandler(error as Error);
    return end(response, 503, TEXT, `# metrics collection failed: ${(error as Error).message}\n`);
  }
  if ('overLimit' in body) {
    const message = tooLargeMessage(body, cache);
    warn(message);
    return end(response, 503, TEXT, `# ${message}\n`);
  }
  const contentType = format === 'json' ? 'application/json; charset=utf-8' : PROMETHEUS_CONTENT_TYPE;
  response.writeHead(200, { 'Content-Type': contentType, 'Content-Length': body.bytes, 'Cache-Control': 'no-store' });
  if (request.method === 'HEAD') return void response.end();
  await writeChunks(response, body.chunks);
}

/** Bytes handed to a socket per turn of the event loop. */
const WRITE_SLICE_BYTES = 1024 * 1024;

/**
 * The snapshot's Buffers, shared by every response (writing them copies nothing), handed to
 * the socket a slice per turn of the event loop: queued all at once, the kernel's copy of a
 * 17 MB body ran in one `writev` that held the app's event loop ~35 ms per response, back to
 * back for concurrent scrapes. (Waiting for 'drain' alone does not yield: on a fast socket
 * it fires on the same turn.)
 */
async function writeChunks(response: ServerResponse, chunks: readonly Buffer[]): Promise<void> {
  let slice = 0;
  for (const chunk of chunks) {
    if (response.destroyed) return;
    response.write(chunk);
    slice += chunk.length;
    if (slice < WRITE_SLICE_BYTES) continue;
    slice = 0;
    if (response.writableLength > WRITE_SLICE_BYTES) await drainedOrClosed(response);
    await nextTurn();
  }
  response.end();
}

function drainedOrClosed(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

/** What a body over the cap is answered with (and said once per interval on stderr, rate-limited). */
export function tooLargeMessage(body: Body, cache: ScrapeCache): string {
  return (
    `metrics response over metrics.prometheus.maxResponseBytes (${cache.maxResponseBytes} bytes; this one is at least ${body.bytes}): ` +
    'too many series; lower metrics.cardinalityLimit, drop high-cardinality labels, or raise maxResponseBytes'
  );
}

function end(response: ServerResponse, status: number, headers: Record<string, string> = {}, body?: string): void {
  if (response.headersSent) return void response.end();
  response.writeHead(status, { ...headers, 'Content-Length': body ? Buffer.byteLength(body) : 0 });
  response.end(body);
}
