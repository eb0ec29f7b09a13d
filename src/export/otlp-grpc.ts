/**
 * OTLP/gRPC through upstream's exporters (grpc-packages.ts: optional peers, imported only
 * when a signal is sent over gRPC). Their URL, credentials — http:// in plaintext, https://
 * over TLS with the OTEL_EXPORTER_OTLP_*CERTIFICATE/CLIENT_* files — and compression are
 * upstream's, read as upstream reads them; the headers become the call's metadata.
 * Upstream makes one call per export and passes its status on. Here the export goes the way
 * an OTLP/HTTP one does (otlp-http.ts): a retryable status (OTel spec: UNAVAILABLE, and
 * RESOURCE_EXHAUSTED when the server says when to retry, …) is tried again within the
 * export (export-retries.ts), a RetryInfo delay is waited and then held by the backoff for
 * the next exports (the gRPC Retry-After), and every failure is named for the accounts: a
 * connection that could not be made as a network error, any other status as a rejection.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { warn } from '../diagnostics.js';
import { BEACON_VERSION } from '../version.js';
import type { Exporter } from './deadline-exporter.js';
import { ExportRejectedError } from './export-accounting.js';
import { type Attempt, withRetries } from './export-retries.js';
import { exportSignal } from './export-scope.js';
import { type GrpcSignal, grpcExporterPath } from './grpc-packages.js';
import { retryDelayMs } from './grpc-retry-info.js';
import type { OtlpTarget } from './otlp-target.js';
import { type RetryAfter, RetryAfterWindow } from './retry-after.js';

/** The status names, by code: fixed by the gRPC protocol. */
const STATUS_NAMES = [
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
] as const;
const RESOURCE_EXHAUSTED = 8;
const UNAVAILABLE = 14;
/** Retryable whatever the details say (OTLP spec); RESOURCE_EXHAUSTED only with a RetryInfo. */
const RETRYABLE = new Set([1, 4, 10, 11, UNAVAILABLE, 15]);
/** How much of a status message an error quotes (characters). */
const QUOTED_DETAILS_CHARS = 120;

/** What @grpc/grpc-js fails a call with. */
interface ServiceError extends Error {
  code: number;
  details?: string;
  metadata?: { get(key: string): (string | Buffer)[] };
}

type UpstreamClass = new (config: object) => unknown;

interface UpstreamModule {
  OTLPTraceExporter?: UpstreamClass;
  OTLPLogExporter?: UpstreamClass;
  OTLPMetricExporter?: UpstreamClass;
}

interface Metadata {
  set(key: string, value: string): void;
}

/** Upstream's exporter for the signal, sending to `target`. */
export async function upstreamGrpcExporter(signal: GrpcSignal, target: OtlpTarget): Promise<unknown> {
  const path = grpcExporterPath(signal);
  // The metadata class of the @grpc/grpc-js that this exporter loads, found from where it is installed.
  const base = createRequire(path).resolve('@opentelemetry/otlp-grpc-exporter-base');
  const [module, { createEmptyMetadata }] = await Promise.all([
    import(pathToFileURL(path).href) as Promise<UpstreamModule>,
    import(pathToFileURL(base).href) as Promise<{ createEmptyMetadata: () => Metadata }>,
  ]);
  const metadata = createEmptyMetadata();
  for (const [key, value] of Object.entries(target.headers)) {
    try {
      metadata.set(key, value);
    } catch (error) {
      warn(`OTLP header ${JSON.stringify(key)} cannot be sent as gRPC metadata and is left out: ${(error as Error).message}`);
    }
  }
  const Upstream = { traces: module.OTLPTraceExporter, logs: module.OTLPLogExporter, metrics: module.OTLPMetricExporter }[signal]!;
  return new Upstream({ url: target.endpoint, metadata, timeoutMillis: target.timeoutMs, userAgent: `beacon-otel/${BEACON_VERSION}` });
}

export class OtlpGrpcExporter<Batch> implements Exporter<Batch> {
  private readonly window = new RetryAfterWindow();
  /** The backend's last RetryInfo, for the backoff of the exports after this one. */
  readonly retryAfter: RetryAfter = { remainingMs: () => this.window.remainingMs(), lastErrorStatus: () => null, close: () => undefined };

  /** @param what names what is exported, in errors ("span", "log", "metric") */
  constructor(
    private readonly upstream: Exporter<Batch>,
    private readonly what: string,
    private readonly timeoutMs: number,
  ) {}

  export(batch: Batch, resultCallback: (result: ExportResult) => void): void {
    // Read now, while the caller's export scope is active; without one (metric pushes), the timeout bounds it.
    const signal = exportSignal() ?? AbortSignal.timeout(this.timeoutMs);
    void withRetries(() => this.call(batch), this.timeoutMs, signal).then(resultCallback);
  }

  forceFlush(): Promise<void> {
    return this.upstream.forceFlush?.() ?? Promise.resolve();
  }

  shutdown(): Promise<void> {
    return this.upstream.shutdown();
  }

  private call(batch: Batch): Promise<Attempt> {
    return new Promise((resolve) => {
      try {
        this.upstream.export(batch, (result) => resolve(this.outcome(result)));
      } catch (error) {
        resolve({ kind: 'failure', error: error as Error });
      }
    });
  }

  private outcome({ code, error }: ExportResult): Attempt {
    if (code === ExportResultCode.SUCCESS) return { kind: 'success' };
    if (!isServiceError(error)) return { kind: 'failure', error: error ?? new Error(`${this.what} export failed`) };
    const delayMs = error.code === RESOURCE_EXHAUSTED || error.code === UNAVAILABLE ? retryInfoOf(error) : null;
    if (delayMs !== null) this.window.askedToWait(delayMs);
    const named = namedError(error, this.what);
    return RETRYABLE.has(error.code) || delayMs !== null ? { kind: 'retryable', error: named, retryAfterMs: delayMs } : { kind: 'failure', error: named };
  }
}

function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'number';
}

function retryInfoOf(error: ServiceError): number | null {
  const details = error.metadata?.get('grpc-status-details-bin')[0];
  return details instanceof Uint8Array ? retryDelayMs(details) : null;
}

/** A connection never made is a network error (with the system's code, as for HTTP); any answered status a rejection. */
function namedError(error: ServiceError, what: string): Error {
  const name = STATUS_NAMES[error.code] ?? String(error.code);
  const details = (error.details ?? '').replace(/\s+/g, ' ').trim();
  const systemCode = error.code === UNAVAILABLE ? /\b(E[A-Z]{4,})\b/.exec(details)?.[1] : undefined;
  if (systemCode) return Object.assign(new Error(`${what} export: gRPC ${name} (${details})`, { cause: error }), { code: systemCode });
  const quote = details.length > QUOTED_DETAILS_CHARS ? `${details.slice(0, QUOTED_DETAILS_CHARS)}…` : details;
  return new ExportRejectedError(`${what} export rejected: gRPC ${name}${quote ? ` (${quote})` : ''}`, name, quote || null);
}
