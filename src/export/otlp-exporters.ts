/**
 * Every OTLP exporter Beacon builds, for every signal, is built here: given what it sends and
 * where to (an OtlpTarget, any protocol), the exporter guarded the way that signal's items
 * should leave, with its delivery account opened. Spans and log records go through Beacon's
 * senders (otlp-http.ts, otlp-grpc.ts) and the delivery queue (delivery.ts); metric pushes
 * through upstream's OTLP/HTTP exporter or Beacon's gRPC sender, behind the backoff
 * (backoff-metric-exporter.ts). Each kind's code is imported on its first call, so a signal
 * that is not exported over OTLP loads none of it, and only gRPC loads @grpc/grpc-js.
 */
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { Exporter } from './deadline-exporter.js';
import type { BatchWeight, DeliveryQueue } from './delivery-queue.js';
import type { DeliveryAccounts, ExportAccount } from './export-accounting.js';
import type { OtlpItemKind } from './otlp-http.js';
import type { GrpcSignal } from './grpc-packages.js';
import type { OtlpTarget } from './otlp-target.js';
import type { PayloadEncoder } from './payload-encoder.js';
import type { RetryAfter } from './retry-after.js';

/** How a delivery queue batches its items. */
export interface Batching<Item = unknown> {
  /** Items the queue holds, at most; beyond it the oldest make room (counted as `queue_full`). */
  capacity: number;
  batchSize: number;
  batchWeight?: BatchWeight<Item>;
  /** The longest an item waits for a full batch. */
  delayMs: number;
}

const ACCOUNTS = { span: 'spans', log: 'logs' } as const;

export function otlpExporter(kind: 'span', target: OtlpTarget, delivery: DeliveryAccounts, batching: Batching): Promise<DeliveryQueue<ReadableSpan>>;
export function otlpExporter(kind: 'log', target: OtlpTarget, delivery: DeliveryAccounts, batching: Batching): Promise<DeliveryQueue<ReadableLogRecord>>;
/** Log items of another shape, made into request bodies by `encoder` (the OTLP log output's lines). */
export function otlpExporter<Item>(kind: 'log', target: OtlpTarget, delivery: DeliveryAccounts, batching: Batching<Item>, encoder: PayloadEncoder<Item[]>): Promise<DeliveryQueue<Item>>;
export function otlpExporter(kind: 'metric', target: OtlpTarget, delivery: DeliveryAccounts): Promise<PushMetricExporter>;
export async function otlpExporter(kind: OtlpItemKind | 'metric', target: OtlpTarget, delivery: DeliveryAccounts, batching?: Batching, encoder?: PayloadEncoder<unknown[]>): Promise<unknown> {
  if (kind === 'metric') return metricExporter(target, delivery.open('metrics', null));
  const { capacity, batchSize, batchWeight, delayMs } = batching!;
  const [{ guardedDelivery }, sender] = await Promise.all([import('./delivery.js'), itemSender(kind, target, encoder)]);
  return guardedDelivery(sender.exporter, {
    what: kind,
    retryAfter: sender.retryAfter,
    deadlineMs: target.timeoutMs,
    account: delivery.open(ACCOUNTS[kind], capacity),
    batchSize,
    batchWeight,
    delayMs,
  });
}

interface Sender<Batch> {
  exporter: Exporter<Batch>;
  /** What the backend asked about waiting: HTTP Retry-After, watched on the endpoint, or gRPC RetryInfo, seen by the sender. */
  retryAfter: RetryAfter;
}

/** Spans and log records: Beacon's OTLP/HTTP or OTLP/gRPC sender. */
async function itemSender(kind: OtlpItemKind, target: OtlpTarget, encoder: PayloadEncoder<unknown[]> | undefined): Promise<Sender<unknown[]>> {
  if (target.protocol === 'grpc') return grpcSender(kind === 'span' ? 'traces' : 'logs', kind, target, encoder);
  const [{ OtlpHttpExporter }, { watchRetryAfter }] = await Promise.all([import('./otlp-http.js'), import('./retry-after.js')]);
  return { exporter: new OtlpHttpExporter(kind, target, encoder), retryAfter: watchRetryAfter(target.endpoint) };
}

async function grpcSender<Batch>(signal: GrpcSignal, what: string, target: OtlpTarget, encoder?: PayloadEncoder<Batch>): Promise<Sender<Batch>> {
  const { OtlpGrpcExporter } = await import('./otlp-grpc.js');
  const exporter = new OtlpGrpcExporter<Batch>(signal, what, target, encoder);
  return { exporter, retryAfter: exporter.retryAfter };
}

/** Upstream's exporter for the target's protocol: metric pushes have no queue of their own (the reader holds the totals). */
async function metricExporter(target: OtlpTarget, account: ExportAccount): Promise<PushMetricExporter> {
  const { BackoffMetricExporter } = await import('./backoff-metric-exporter.js');
  if (target.protocol === 'grpc') {
    const [{ upstreamMetricExporter }, { exporter, retryAfter }] = await Promise.all([import('./otlp-grpc.js'), grpcSender<ResourceMetrics>('metrics', 'metric', target)]);
    return new BackoffMetricExporter((await upstreamMetricExporter(target)) as PushMetricExporter, retryAfter, account, exporter);
  }
  const [{ OTLPMetricExporter }, { watchRetryAfter }] = await Promise.all([
    target.protocol === 'http/json' ? import('../otel/exporter-metrics-otlp-http.cjs') : import('../otel/exporter-metrics-otlp-proto.cjs'),
    import('./retry-after.js'),
  ]);
  const otlp = new OTLPMetricExporter({ url: target.endpoint, headers: { ...target.headers }, timeoutMillis: target.timeoutMs });
  return new BackoffMetricExporter(otlp, watchRetryAfter(target.endpoint), account);
}
