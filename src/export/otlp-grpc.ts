/**
 * OTLP/gRPC for span, log record and metric batches, the way OTLP/HTTP goes (otlp-http.ts).
 * Upstream's gRPC exporter keeps no handle on its call: a call to a collector that never
 * answers outlives its export, its flush and Beacon's shutdown deadline, and holds the
 * process open until the call's own deadline (10 s by default). Here each Export call is made
 * on @grpc/grpc-js directly and cancelled when its export ends (export-scope.ts). A retryable
 * status (OTel spec: UNAVAILABLE, and RESOURCE_EXHAUSTED when the server says when to retry,
 * …) is tried again within the export (export-retries.ts); a RetryInfo delay is waited for,
 * then held by the backoff for the next exports (the gRPC Retry-After); every failure is
 * named for the accounts: a connection never made as a network error, any other status as a
 * rejection. Everything else is upstream's (grpc-packages.ts: optional peers, imported only
 * when a signal goes over gRPC): the endpoint's host, credentials — http:// in plaintext,
 * https:// over TLS with the OTEL_EXPORTER_OTLP_*CERTIFICATE/CLIENT_* files —, compression
 * and metadata, merged by its public convertLegacyOtlpGrpcOptions; and the payload encoding.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { ExportResult } from '@opentelemetry/core';
import { warn } from '../diagnostics.js';
import { BEACON_VERSION } from '../version.js';
import { ExportRejectedError } from './export-accounting.js';
import { type Attempt, failed, withRetries } from './export-retries.js';
import { type GrpcSignal, grpcExporterPath } from './grpc-packages.js';
import { retryDelayMs } from './grpc-retry-info.js';
import type { OtlpTarget } from './otlp-target.js';
import type { PayloadEncoder } from './payload-encoder.js';
import { type RetryAfter, RetryAfterWindow } from './retry-after.js';
import { ScopedSender } from './scoped-sender.js';

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
const GRPC_COMPRESSION = { none: 0, gzip: 2 } as const;

const SIGNALS = {
  traces: { env: 'TRACES', service: 'opentelemetry.proto.collector.trace.v1.TraceService', serializer: 'ProtobufTraceSerializer' },
  metrics: { env: 'METRICS', service: 'opentelemetry.proto.collector.metrics.v1.MetricsService', serializer: 'ProtobufMetricsSerializer' },
  logs: { env: 'LOGS', service: 'opentelemetry.proto.collector.logs.v1.LogsService', serializer: 'ProtobufLogsSerializer' },
} as const;

/** What Beacon uses of @grpc/grpc-js and of upstream's gRPC configuration (typed here: both are optional). */
interface Metadata {
  set(key: string, value: string): void;
}
interface ServiceError extends Error {
  code: number;
  details?: string;
  metadata?: { get(key: string): (string | Buffer)[] };
}
interface GrpcClient {
  makeUnaryRequest(
    method: string,
    serialize: (value: Buffer) => Buffer,
    deserialize: (value: Buffer) => Buffer,
    argument: Buffer,
    metadata: Metadata,
    options: { deadline: number },
    callback: (error: ServiceError | null) => void,
  ): { cancel(): void };
  close(): void;
}
interface GrpcConfiguration {
  url: string;
  metadata: () => Metadata;
  credentials: () => unknown;
  compression: 'gzip' | 'none';
}
interface ExporterBase {
  createEmptyMetadata(): Metadata;
  convertLegacyOtlpGrpcOptions(config: object, signalIdentifier: string): GrpcConfiguration;
}
interface Channel<Batch> {
  client: GrpcClient;
  metadata: Metadata;
  serializer: PayloadEncoder<Batch>;
}

export class OtlpGrpcExporter<Batch> extends ScopedSender<Batch, Channel<Batch>> {
  private readonly window = new RetryAfterWindow();
  /** The backend's last RetryInfo, for the backoff of the exports after this one. */
  readonly retryAfter: RetryAfter = { remainingMs: () => this.window.remainingMs(), lastErrorStatus: () => null, close: () => undefined };

  /**
   * @param what names what is exported, in errors ("span", "log", "metric")
   * @param encoder makes the request bodies; without one, upstream's serializer for the signal
   */
  constructor(
    private readonly signal: GrpcSignal,
    private readonly what: string,
    private readonly target: OtlpTarget,
    private readonly encoder?: PayloadEncoder<Batch>,
  ) {
    super(target.timeoutMs);
  }

  protected open(): Promise<Channel<Batch>> {
    return openChannel<Batch>(this.signal, this.target, this.encoder);
  }

  protected async close(channel: Channel<Batch>): Promise<void> {
    channel.client.close();
    await channel.serializer.close?.();
  }

  protected async send(batch: Batch, signal: AbortSignal): Promise<ExportResult> {
    const channel = await this.connection();
    const serialized = await channel.serializer.serializeRequest(batch);
    if (!serialized) return failed(new Error(`${this.what} batch could not be serialised`));
    const body = Buffer.from(serialized);
    const deadline = Date.now() + this.target.timeoutMs;
    return withRetries(() => this.call(channel, body, deadline, signal), this.target.timeoutMs, signal);
  }

  /** One Export call, cancelled if the export ends first; resolves (never rejects) with what it means for the export. */
  private call({ client, metadata }: Channel<Batch>, body: Buffer, deadline: number, signal: AbortSignal): Promise<Attempt> {
    return new Promise((resolve) => {
      const cancel = () => call.cancel();
      const call = client.makeUnaryRequest(`/${SIGNALS[this.signal].service}/Export`, identity, identity, body, metadata, { deadline }, (error) => {
        signal.removeEventListener('abort', cancel);
        if (signal.aborted) resolve({ kind: 'failure', error: signal.reason as Error });
        else resolve(error ? this.outcome(error) : { kind: 'success' });
      });
      signal.addEventListener('abort', cancel, { once: true });
    });
  }

  private outcome(error: ServiceError): Attempt {
    const delayMs = error.code === RESOURCE_EXHAUSTED || error.code === UNAVAILABLE ? retryInfoOf(error) : null;
    if (delayMs !== null) this.window.askedToWait(delayMs);
    const named = namedError(error, this.what);
    return RETRYABLE.has(error.code) || delayMs !== null ? { kind: 'retryable', error: named, retryAfterMs: delayMs } : { kind: 'failure', error: named };
  }
}

const identity = (bytes: Buffer): Buffer => bytes;

/** The client, metadata and payload encoding of one signal, from the packages its upstream exporter brings. */
async function openChannel<Batch>(signal: GrpcSignal, target: OtlpTarget, encoder: PayloadEncoder<Batch> | undefined): Promise<Channel<Batch>> {
  const fromExporter = createRequire(grpcExporterPath(signal));
  const basePath = fromExporter.resolve('@opentelemetry/otlp-grpc-exporter-base');
  const grpcPath = createRequire(basePath).resolve('@grpc/grpc-js');
  const [base, grpc, serializer] = await Promise.all([
    import(pathToFileURL(basePath).href) as Promise<ExporterBase>,
    import(pathToFileURL(grpcPath).href) as Promise<{ Client: new (address: string, credentials: unknown, options: object) => GrpcClient }>,
    encoder ?? import('../otel/otlp-transformer.cjs').then((transformer) => transformer[SIGNALS[signal].serializer] as PayloadEncoder<Batch>),
  ]);
  const settings = base.convertLegacyOtlpGrpcOptions({ url: target.endpoint, metadata: metadataOf(base, target.headers), timeoutMillis: target.timeoutMs }, SIGNALS[signal].env);
  const client = new grpc.Client(settings.url, settings.credentials(), {
    'grpc.default_compression_algorithm': GRPC_COMPRESSION[settings.compression],
    'grpc.primary_user_agent': `beacon-otel/${BEACON_VERSION}`,
  });
  return { client, metadata: settings.metadata(), serializer };
}

function metadataOf(base: ExporterBase, headers: Readonly<Record<string, string>>): Metadata {
  const metadata = base.createEmptyMetadata();
  for (const [key, value] of Object.entries(headers)) {
    try {
      metadata.set(key, value);
    } catch (error) {
      warn(`OTLP header ${JSON.stringify(key)} cannot be sent as gRPC metadata and is left out: ${(error as Error).message}`);
    }
  }
  return metadata;
}

/** Upstream's metric exporter, asked only which temporality and aggregation the reader should use (it reads them from the environment). */
export async function upstreamMetricExporter(target: OtlpTarget): Promise<unknown> {
  const { OTLPMetricExporter } = (await import(pathToFileURL(grpcExporterPath('metrics')).href)) as { OTLPMetricExporter: new (config: object) => unknown };
  return new OTLPMetricExporter({ url: target.endpoint, timeoutMillis: target.timeoutMs });
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
