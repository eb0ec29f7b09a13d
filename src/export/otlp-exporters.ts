/**
 * Every OTLP exporter Beacon builds, for every signal, is built here: given what it sends and
 * where to (an OtlpTarget, either protocol), the exporter guarded the way that signal's items
 * should leave, with its delivery account opened. Spans and log records go through Beacon's
 * sender and the delivery queue (delivery.ts); metric pushes through upstream's exporter
 * behind the backoff (backoff-metric-exporter.ts). Each kind's code is imported on its first
 * call, so a signal that is not exported over OTLP loads none of it.
 */
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { DeliveryQueue } from './delivery-queue.js';
import type { DeliveryAccounts, ExportAccount } from './export-accounting.js';
import type { OtlpItemKind } from './otlp-http.js';
import type { OtlpTarget } from './otlp-target.js';

/** How a delivery queue batches its items. */
export interface Batching {
  /** Items the queue holds, at most; beyond it the oldest make room (counted as `queue_full`). */
  capacity: number;
  batchSize: number;
  /** The longest an item waits for a full batch. */
  delayMs: number;
}

const ACCOUNTS = { span: 'spans', log: 'logs' } as const;

export function otlpExporter(kind: 'span', target: OtlpTarget, delivery: DeliveryAccounts, batching: Batching): Promise<DeliveryQueue<ReadableSpan>>;
export function otlpExporter(kind: 'log', target: OtlpTarget, delivery: DeliveryAccounts, batching: Batching): Promise<DeliveryQueue<ReadableLogRecord>>;
export function otlpExporter(kind: 'metric', target: OtlpTarget, delivery: DeliveryAccounts): Promise<PushMetricExporter>;
export async function otlpExporter(kind: OtlpItemKind | 'metric', target: OtlpTarget, delivery: DeliveryAccounts, batching?: Batching): Promise<unknown> {
  if (kind === 'metric') return metricExporter(target, delivery.open('metrics', null));
  const { capacity, batchSize, delayMs } = batching!;
  const [{ guardedDelivery }, { OtlpHttpExporter }] = await Promise.all([import('./delivery.js'), import('./otlp-http.js')]);
  return guardedDelivery(new OtlpHttpExporter(kind, target), {
    what: kind,
    endpoint: target.endpoint,
    deadlineMs: target.timeoutMs,
    account: delivery.open(ACCOUNTS[kind], capacity),
    batchSize,
    delayMs,
  });
}

/** Upstream's exporter for the target's protocol: metric pushes have no queue of their own (the reader holds the totals). */
async function metricExporter(target: OtlpTarget, account: ExportAccount): Promise<PushMetricExporter> {
  const [{ BackoffMetricExporter }, { OTLPMetricExporter }] = await Promise.all([
    import('./backoff-metric-exporter.js'),
    target.protocol === 'http/json' ? import('@opentelemetry/exporter-metrics-otlp-http') : import('@opentelemetry/exporter-metrics-otlp-proto'),
  ]);
  const otlp = new OTLPMetricExporter({ url: target.endpoint, headers: { ...target.headers }, timeoutMillis: target.timeoutMs });
  return new BackoffMetricExporter(otlp, target.endpoint, account);
}
