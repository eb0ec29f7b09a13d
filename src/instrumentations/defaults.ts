/**
 * Beacon's own options for some instrumentations, derived from the config. User options
 * from `instrumentations.<name>` are spread over these.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Span, trace } from '../otel/api.cjs';
import { ignoredRequests } from '../config/ignored-requests.js';
import type { ResolvedConfig } from '../config/types.js';

export function beaconDefaults(name: string, config: ResolvedConfig): Record<string, unknown> {
  switch (name) {
    case 'http':
      return httpDefaults(config);
    case 'pino':
      return {
        // The app's own pino gets the same field names as Beacon's lines (ECS names in 'ecs').
        logKeys: config.logging.format === 'ecs'
          ? { traceId: 'trace.id', spanId: 'span.id', traceFlags: 'trace.flags' }
          : { ...config.logging.fields },
        disableLogCorrelation: !config.logging.correlation,
        // Beacon's logging module decides where records go; the instrumentation only correlates.
        disableLogSending: true,
      };
    case 'mysql2':
      // Otherwise the span's query text has the parameter values formatted into it.
      return { maskStatement: true };
    default:
      return {};
  }
}

/** Options given both by Beacon and by the user: lists are joined, anything else is the user's. */
export function withUserOptions(defaults: Record<string, unknown>, user: Record<string, unknown>): Record<string, unknown> {
  const merged = { ...defaults, ...user };
  for (const [key, value] of Object.entries(defaults)) {
    if (Array.isArray(value) && Array.isArray(user[key])) merged[key] = [...value, ...user[key]];
  }
  return merged;
}

function httpDefaults(config: ResolvedConfig): Record<string, unknown> {
  const ignored = ignoredRequests(config);
  return {
    ignoreIncomingRequestHook: (request: IncomingMessage) => ignored(request.url ?? '/'),
    ...(config.tracing.serverTiming ? { responseHook: addServerTiming } : {}),
  };
}

/** `Server-Timing: traceparent;desc="00-<trace>-<span>-<flags>"`, the header browsers show. */
function addServerTiming(span: Span, response: unknown): void {
  // responseHook also runs for outgoing requests, whose response is an IncomingMessage.
  const serverResponse = response as ServerResponse;
  if (typeof serverResponse.setHeader !== 'function' || serverResponse.headersSent) return;
  const { traceId, spanId, traceFlags } = span.spanContext();
  if (!trace.isSpanContextValid(span.spanContext())) return;
  const flags = traceFlags.toString(16).padStart(2, '0');
  serverResponse.setHeader('Server-Timing', `traceparent;desc="00-${traceId}-${spanId}-${flags}"`);
}
