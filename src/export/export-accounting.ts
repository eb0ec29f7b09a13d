/**
 * Delivery accounting: for each signal that leaves the process, how many items Beacon was
 * given, and what became of each — exported, dropped (and why) or failed (and why) — so that
 * `received == exported + dropped + failed + queued + in flight` holds exactly. Upstream drops
 * silently from a full batch queue and reports failures one line per batch with no count.
 *
 * Everything here is plain number increments on the app's thread; the metrics module and the
 * delivery report read the numbers when they need them (a collection, a report line).
 */
import { type ExportResult, ExportResultCode } from '../otel/core.cjs';
import { ExportHeldBackError } from './backoff-exporter.js';
import { type Exporter, ExportDeadlineError } from './deadline-exporter.js';

export type DeliverySignal = 'spans' | 'logs' | 'metrics';

/**
 * The backend answered with an error status (counted as `rejected`, with the status): an HTTP
 * status code, or a gRPC status name. Thrown by Beacon's senders (otlp-http.ts, otlp-grpc.ts);
 * defined here, where it is counted, so that the accounts (always open) do not load a sender
 * when nothing is exported over OTLP.
 */
export class ExportRejectedError extends Error {
  override readonly name = 'ExportRejectedError';
  constructor(
    message: string,
    readonly status: number | string,
    /** The start of the backend's answer, when it said why (at most 120 characters). */
    readonly detail: string | null = null,
  ) {
    super(message);
  }
}

/** Dropped: never sent. `queue_full`: arrived while the queue was at capacity; `held_back`: skipped by the export backoff or a Retry-After, without a request. */
export const DROP_REASONS = ['queue_full', 'held_back'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/** Failed: sent, not accepted. `deadline`: the export's total deadline passed; `rejected`: an HTTP error status; `network`: no answer (refused, reset, DNS, socket timeout). */
export const FAIL_REASONS = ['deadline', 'rejected', 'network', 'other'] as const;
export type FailReason = (typeof FAIL_REASONS)[number];

/** Told how long each export that made a request took, when the metrics module listens. */
export type DurationListener = (signal: DeliverySignal, seconds: number, outcome: 'exported' | 'failed') => void;

export class ExportAccount {
  /** Items given to Beacon: sampled spans ended, log records emitted, metric points pushed. */
  received = 0;
  /** Items handed to the exporter (each then settles as exported, held back or failed). */
  handed = 0;
  exported = 0;
  readonly dropped: Record<DropReason, number> = { queue_full: 0, held_back: 0 };
  readonly failed: Record<FailReason, number> = { deadline: 0, rejected: 0, network: 0, other: 0 };
  /** The last status (HTTP code or gRPC name) and network error code of a failed export, for the report line. */
  lastStatus: number | string | null = null;
  /** What the backend said with its last non-retryable rejection (its start), if anything. */
  lastRejection: string | null = null;
  lastNetworkError: string | null = null;
  /** Called on every drop and failure (the delivery report keeps it cheap). */
  onLoss: () => void = () => undefined;

  /**
   * @param capacity items the batch queue holds; null for a pipeline without a queue of its
   *   own (metric pushes), whose items arrive with the export
   */
  constructor(
    readonly signal: DeliverySignal,
    readonly capacity: number | null,
    private readonly durations: { listener: DurationListener | null } = { listener: null },
  ) {}

  /** Waiting in the batch queue: received, not dropped for a full queue, not yet handed to the exporter. */
  get queued(): number {
    return this.received - this.dropped.queue_full - this.handed;
  }

  get inFlight(): number {
    const { deadline, rejected, network, other } = this.failed;
    return this.handed - this.exported - this.dropped.held_back - deadline - rejected - network - other;
  }

  /** One item arrived at the queue (delivery-queue.ts). */
  arrived(): void {
    this.received++;
  }

  /** The queue was at capacity: its oldest item made room for the newest and is never sent. */
  droppedForRoom(): void {
    this.dropped.queue_full++;
    this.onLoss();
  }

  handOver(count: number): void {
    if (this.capacity === null) this.received += count;
    this.handed += count;
  }

  settle(count: number, result: ExportResult, seconds: number, lastStatus: number | null): void {
    if (result.code === ExportResultCode.SUCCESS) {
      this.exported += count;
      this.durations.listener?.(this.signal, seconds, 'exported');
      return;
    }
    const error = result.error;
    if (error instanceof ExportHeldBackError) {
      this.dropped.held_back += count;
    } else {
      const reason = failReason(error);
      this.failed[reason] += count;
      if (reason === 'rejected') {
        this.lastStatus = rejectionStatus(error) ?? lastStatus;
        this.lastRejection = error instanceof ExportRejectedError ? error.detail : null;
      }
      if (reason === 'network') this.lastNetworkError = networkError(error);
      this.durations.listener?.(this.signal, seconds, 'failed');
    }
    this.onLoss();
  }
}

/** The accounts of one running SDK, created by the composition root and shared by the signal modules. */
export class DeliveryAccounts {
  private readonly list: ExportAccount[] = [];
  private readonly durations: { listener: DurationListener | null } = { listener: null };

  open(signal: DeliverySignal, capacity: number | null): ExportAccount {
    const account = new ExportAccount(signal, capacity, this.durations);
    this.list.push(account);
    return account;
  }

  all(): readonly ExportAccount[] {
    return this.list;
  }

  /** One listener (the metrics module's duration histogram); null to stop. */
  listenToDurations(listener: DurationListener | null): void {
    this.durations.listener = listener;
  }
}

/**
 * Counts every export's items and outcome into `account`, then tells the processor above
 * that the export is done. A failure is passed up as a success: the account has counted it
 * and the delivery report says it once a minute with the counts, where the batch processors
 * and the metric reader would each log one line per failed batch (and a forceFlush failure
 * changes nothing for them: Beacon's flush never rejects anyway).
 */
export class AccountedExporter<Batch> implements Exporter<Batch> {
  constructor(
    private readonly inner: Exporter<Batch>,
    private readonly account: ExportAccount,
    private readonly size: (batch: Batch) => number,
    private readonly lastStatus: () => number | null = () => null,
  ) {}

  export(batch: Batch, resultCallback: (result: ExportResult) => void): void {
    const count = this.size(batch);
    this.account.handOver(count);
    const started = performance.now();
    let settled = false;
    const settle = (result: ExportResult) => {
      if (settled) return;
      settled = true;
      this.account.settle(count, result, (performance.now() - started) / 1000, this.lastStatus());
      resultCallback(ACCOUNTED);
    };
    try {
      this.inner.export(batch, settle);
    } catch (error) {
      settle({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

const ACCOUNTED: ExportResult = Object.freeze({ code: ExportResultCode.SUCCESS });

/** Span and log record batches. */
export const batchLength = (batch: readonly unknown[]): number => batch.length;

/** Node's network and TLS error codes and upstream's socket idle timeout. */
function networkError(error: unknown): string | null {
  const code = (error as { code?: unknown } | undefined)?.code;
  // Syscall errors (ECONNREFUSED, …) and TLS failures (DEPTH_ZERO_SELF_SIGNED_CERT, CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID, …).
  if (typeof code === 'string' && (/^E[A-Z_]+$/.test(code) || /CERT|SSL|TLS|UNABLE_TO_VERIFY/.test(code))) return code;
  return error instanceof Error && error.message === 'Request timed out' ? 'socket timeout' : null;
}

/** upstream's OTLPExporterError carries the status of a non-retryable answer; a retryable one outlasting its retries has none. */
function rejectionStatus(error: unknown): number | string | null {
  if (error instanceof ExportRejectedError) return error.status;
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' && code >= 400 ? code : null;
}

function failReason(error: Error | undefined): FailReason {
  if (error instanceof ExportDeadlineError) return 'deadline';
  if (networkError(error) !== null) return 'network';
  if (rejectionStatus(error) !== null || error?.name === 'OTLPExporterError') return 'rejected';
  return 'other';
}
