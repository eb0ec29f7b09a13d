/**
 * The retries inside one span or log record export, for both of Beacon's OTLP senders
 * (otlp-http.ts, otlp-grpc.ts): upstream's schedule — up to 5 retries, 1 s × 1.5ⁿ ± 20 %,
 * at most 5 s apart — or the wait the backend asked for, all within the export's timeout
 * and ended by its signal (export-scope.ts) when the export ends first.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { type ExportResult, ExportResultCode } from '../otel/core.cjs';

const MAX_RETRIES = 5;
const INITIAL_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 5000;

/** What one request means for the export. */
export type Attempt =
  | { kind: 'success' }
  | { kind: 'retryable'; error: Error; retryAfterMs: number | null }
  | { kind: 'failure'; error: Error };

/** Runs `attempt` until it succeeds, fails for good, or the retries or the time run out. */
export async function withRetries(attempt: () => Promise<Attempt>, timeoutMs: number, signal: AbortSignal): Promise<ExportResult> {
  const deadline = Date.now() + timeoutMs;
  let backoffMs = INITIAL_BACKOFF_MS;
  for (let retries = 0; ; retries++) {
    if (signal.aborted) return failed(signal.reason);
    const outcome = await attempt();
    if (outcome.kind === 'success') return { code: ExportResultCode.SUCCESS };
    if (outcome.kind === 'failure' || retries === MAX_RETRIES) return failed(outcome.error);
    const waitMs = outcome.retryAfterMs ?? backoffMs * (0.8 + Math.random() * 0.4);
    backoffMs = Math.min(backoffMs * 1.5, MAX_BACKOFF_MS);
    if (Date.now() + waitMs >= deadline) return failed(outcome.error);
    try {
      await delay(waitMs, undefined, { signal });
    } catch {
      return failed(signal.reason);
    }
  }
}

export function failed(error: unknown): ExportResult {
  return { code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) };
}
