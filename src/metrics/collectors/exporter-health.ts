/**
 * Exporter health on the metrics endpoint: the delivery accounts (export/export-accounting.ts)
 * as observable instruments, read when a reader collects, plus a histogram of export
 * durations. Nothing runs per span or log record; one histogram record per export request.
 *
 *   beacon.exporter.items            counter  {signal, outcome=exported|dropped|failed, reason}
 *   beacon.exporter.items.received   counter  {signal}   items given to Beacon for export
 *   beacon.exporter.queue.size       gauge    {signal}   items waiting in the batch queue
 *   beacon.exporter.queue.capacity   gauge    {signal}
 *   beacon.exporter.in_flight        gauge    {signal}   items in exports not yet settled
 *   beacon.exporter.duration         histogram (s) {signal, outcome=exported|failed}
 *
 * received == exported + dropped + failed + queue size + in flight, at every collection.
 */
import type { Attributes, BatchObservableResult, Meter } from '@opentelemetry/api';
import {
  DROP_REASONS,
  type DeliveryAccounts,
  type DeliverySignal,
  type DropReason,
  FAIL_REASONS,
  type FailReason,
} from '../../export/export-accounting.js';

export const EXPORTER_METRICS = {
  items: 'beacon.exporter.items',
  received: 'beacon.exporter.items.received',
  queueSize: 'beacon.exporter.queue.size',
  queueCapacity: 'beacon.exporter.queue.capacity',
  inFlight: 'beacon.exporter.in_flight',
  duration: 'beacon.exporter.duration',
} as const;

/** From a quick loopback export to one that runs into a 30 s deadline. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function startExporterHealth(meter: Meter, delivery: DeliveryAccounts): () => void {
  const items = meter.createObservableCounter(EXPORTER_METRICS.items, {
    unit: '{item}',
    description: 'Telemetry items by what became of them: exported, dropped (queue_full, held_back) or failed (deadline, rejected, network, other).',
  });
  const received = meter.createObservableCounter(EXPORTER_METRICS.received, { unit: '{item}', description: 'Telemetry items given to Beacon for export.' });
  const queueSize = meter.createObservableGauge(EXPORTER_METRICS.queueSize, { unit: '{item}', description: 'Items waiting in the batch queue.' });
  const queueCapacity = meter.createObservableGauge(EXPORTER_METRICS.queueCapacity, { unit: '{item}', description: 'Items the batch queue holds.' });
  const inFlight = meter.createObservableGauge(EXPORTER_METRICS.inFlight, { unit: '{item}', description: 'Items in exports that have not settled yet.' });
  const duration = meter.createHistogram(EXPORTER_METRICS.duration, {
    unit: 's',
    description: 'Duration of export requests (exports held back without a request are not timed).',
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  });

  // Label sets built once per signal, not per collection or per export.
  const labels = new Map<DeliverySignal, ReturnType<typeof labelSets>>();
  const labelsOf = (signal: DeliverySignal) => {
    let sets = labels.get(signal);
    if (!sets) labels.set(signal, (sets = labelSets(signal)));
    return sets;
  };

  const observe = (result: BatchObservableResult) => {
    for (const account of delivery.all()) {
      const sets = labelsOf(account.signal);
      result.observe(items, account.exported, sets.exported);
      for (const reason of DROP_REASONS) result.observe(items, account.dropped[reason], sets.dropped[reason]);
      for (const reason of FAIL_REASONS) result.observe(items, account.failed[reason], sets.failed[reason]);
      result.observe(received, account.received, sets.signal);
      result.observe(inFlight, account.inFlight, sets.signal);
      if (account.capacity !== null) {
        result.observe(queueSize, account.queued, sets.signal);
        result.observe(queueCapacity, account.capacity, sets.signal);
      }
    }
  };
  const observables = [items, received, queueSize, queueCapacity, inFlight];
  meter.addBatchObservableCallback(observe, observables);
  delivery.listenToDurations((signal, seconds, outcome) => duration.record(seconds, labelsOf(signal).durations[outcome]));
  return () => {
    meter.removeBatchObservableCallback(observe, observables);
    delivery.listenToDurations(null);
  };
}

function labelSets(signal: DeliverySignal) {
  const of = (outcome: string, reason?: string): Attributes => Object.freeze(reason === undefined ? { signal, outcome } : { signal, outcome, reason });
  return {
    signal: Object.freeze({ signal }),
    exported: of('exported'),
    dropped: { queue_full: of('dropped', 'queue_full'), held_back: of('dropped', 'held_back') } satisfies Record<DropReason, Attributes>,
    failed: {
      deadline: of('failed', 'deadline'),
      rejected: of('failed', 'rejected'),
      network: of('failed', 'network'),
      other: of('failed', 'other'),
    } satisfies Record<FailReason, Attributes>,
    durations: { exported: of('exported'), failed: of('failed') },
  };
}
