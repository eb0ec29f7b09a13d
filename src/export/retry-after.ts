/**
 * The Retry-After a throttling backend sends with 429 or 503. Upstream's OTLP exporter
 * honours it only between the retries of one export and does not pass it on, so the next
 * batch would ignore it. Node's own `http.client.response.finish` diagnostics channel shows
 * every response the process receives; the exporter's are picked out by host and path.
 * Nothing is patched, and other responses cost one status comparison.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';

/** A backend asking for longer than this is asked again after it: telemetry is not paused for hours. */
const MAX_WAIT_MS = 5 * 60_000;

export interface RetryAfter {
  /** How long the backend last asked to wait, from now, in ms; 0 once that has passed or if it never asked. */
  remainingMs(): number;
  /**
   * The backend's last error status (≥ 400), or null: upstream reports a retryable status
   * (429, 502-504) that outlasted its retries without the status, so the accounting reads it here.
   */
  lastErrorStatus(): number | null;
  close(): void;
}

/**
 * How long a backend last asked to wait: set from HTTP Retry-After (below) or from gRPC's
 * RetryInfo (otlp-grpc.ts), read by the backoff.
 */
export class RetryAfterWindow {
  private until = 0;

  constructor(private readonly now: () => number = Date.now) {}

  askedToWait(waitMs: number): void {
    this.until = this.now() + Math.min(waitMs, MAX_WAIT_MS);
  }

  remainingMs(): number {
    return Math.max(0, this.until - this.now());
  }
}

export function watchRetryAfter(endpoint: string, now: () => number = Date.now): RetryAfter {
  const url = new URL(endpoint);
  const path = url.pathname + url.search;
  const window = new RetryAfterWindow(now);
  let errorStatus: number | null = null;
  const onResponse = (message: unknown) => {
    const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
    const status = response.statusCode ?? 0;
    if (status < 400) return;
    if (request.path !== path || request.getHeader('host') !== url.host) return;
    errorStatus = status;
    if (status !== 429 && status !== 503) return;
    const waitMs = parseRetryAfter(response.headers['retry-after'], now());
    if (waitMs !== null) window.askedToWait(waitMs);
  };
  subscribe('http.client.response.finish', onResponse);
  return {
    remainingMs: () => window.remainingMs(),
    lastErrorStatus: () => errorStatus,
    close: () => unsubscribe('http.client.response.finish', onResponse),
  };
}

/** Retry-After is delay-seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Every HTTP-date form starts with the day name ("Sun, 06 Nov 1994 08:49:37 GMT").
  const date = /^[A-Za-z]{3}/.test(trimmed) ? Date.parse(trimmed) : NaN;
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}
