/**
 * When to try a failing backend again. After a failed export the backend is left alone for a
 * wait that doubles from 1 s up to a cap and resets on the first success — or for as long as
 * its Retry-After asked (retry-after.ts), when that is longer. The export backoff
 * (backoff-exporter.ts) and the delivery queue (delivery-queue.ts) both ask it.
 */
import type { RetryAfter } from './retry-after.js';

export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  now?: () => number;
  /** The backend's last Retry-After (see retry-after.ts); closed with the backoff. */
  retryAfter?: RetryAfter;
}

export class Backoff {
  private failures = 0;
  private closedUntil = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly now: () => number;
  private readonly retryAfter: RetryAfter | undefined;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 1000;
    this.maxMs = options.maxMs ?? 30_000;
    this.now = options.now ?? Date.now;
    this.retryAfter = options.retryAfter;
  }

  /** How long to leave the backend alone from now, in ms; 0 to try it. */
  remainingMs(): number {
    // Retry-After counts from the moment the answer came, even while that export is still
    // retrying inside the exporter: later exports do not pile up behind it.
    return Math.max(this.closedUntil - this.now(), this.retryAfter?.remainingMs() ?? 0, 0);
  }

  succeeded(): void {
    this.failures = 0;
    this.closedUntil = 0;
  }

  failed(): void {
    this.failures++;
    this.closedUntil = this.now() + Math.min(this.maxMs, this.initialMs * 2 ** (this.failures - 1));
  }

  close(): void {
    this.retryAfter?.close();
  }
}
