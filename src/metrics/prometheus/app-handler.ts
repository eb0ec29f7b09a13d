/**
 * The endpoint for the app's own server: `app.get('/metrics', metricsHandler())` on express,
 * `fastify.get('/metrics', metricsHandler())`, or `metricsHandler()(req, res)` in a plain
 * node:http server. Same access rules as Beacon's server (the config's allowedIps,
 * trustProxy and auth unless given here). `metricsText()` returns the Prometheus text.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { obj, oneOf } from '../../config/checks.js';
import { accessOptions } from '../../config/schema.js';
import { warn } from '../../diagnostics.js';
import { type AccessOptions, type AccessPolicy, createAccessPolicy } from './access.js';
import { type MetricsFormat, serveMetrics, tooLargeMessage } from './serve.js';
import type { ScrapeCache } from './scrape-cache.js';

interface ActiveEndpoint {
  cache: ScrapeCache;
  access: AccessPolicy;
}

let active: ActiveEndpoint | null = null;

/** Set by setup when the 'prometheus' exporter is on; null after shutdown. */
export function setActiveEndpoint(endpoint: ActiveEndpoint | null): void {
  active = endpoint;
}

export interface MetricsHandlerOptions {
  /** 'prometheus' (default) or 'json' for the human-readable summary. */
  format?: MetricsFormat;
  /** Access rules for this mount instead of the config's `metrics.prometheus` ones. */
  access?: Partial<AccessOptions>;
}

/** Checked as the config is: a bad value or unknown key throws BeaconConfigError naming `metricsHandler.…`. */
const handlerOptions = obj({ format: oneOf(['prometheus', 'json'] as const satisfies readonly MetricsFormat[]), access: accessOptions });

/** fastify passes its own request/reply wrappers; the raw node objects are inside. */
interface FastifyLike {
  raw: IncomingMessage;
}
interface FastifyReplyLike {
  raw: ServerResponse;
  hijack(): void;
}

export type MetricsRequestHandler = (
  request: IncomingMessage | FastifyLike,
  response: ServerResponse | FastifyReplyLike,
  next?: unknown,
) => Promise<void>;

export function metricsHandler(options: MetricsHandlerOptions = {}): MetricsRequestHandler {
  const { format = 'prometheus', access } = handlerOptions(options, 'metricsHandler');
  const ownAccess = access ? createAccessPolicy({ allowedIps: [], trustProxy: [], auth: null, ...access }) : null;
  return async (request, response) => {
    const raw = 'raw' in request ? request.raw : request;
    let res: ServerResponse;
    if ('hijack' in response) {
      response.hijack(); // we answer on the raw response; fastify must not send its own
      res = response.raw;
    } else {
      res = response;
    }
    const endpoint = active;
    if (!endpoint) {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '5' });
      res.end('metrics are not running (startMonitoring() not called, or the prometheus exporter is off)\n');
      return;
    }
    await serveMetrics(raw, res, endpoint.cache, ownAccess ?? endpoint.access, format);
  };
}

/**
 * The current metrics in Prometheus text format (the snapshot scrapes share); '' when the
 * prometheus exporter is not running, or when the text is over `maxResponseBytes` (warned).
 */
export async function metricsText(): Promise<string> {
  if (!active) return '';
  const body = await active.cache.snapshot().prometheus();
  if ('overLimit' in body) {
    warn(`metricsText(): ${tooLargeMessage(body, active.cache)}`);
    return '';
  }
  return Buffer.concat(body.chunks).toString();
}
