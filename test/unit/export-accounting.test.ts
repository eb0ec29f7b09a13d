/**
 * Delivery accounting: every item's outcome is counted with its reason, and losses are
 * reported once per interval with counts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { ExportHeldBackError } from '../../src/export/backoff-exporter.js';
import { ExportDeadlineError } from '../../src/export/deadline-exporter.js';
import { startDeliveryReport } from '../../src/export/delivery-report.js';
import { AccountedExporter, DeliveryAccounts, ExportRejectedError, batchLength } from '../../src/export/export-accounting.js';
import { pollUntil, sleepAtLeast } from '../helpers/timing.js';

/** upstream's OTLPExporterError, as the OTLP exporters hand it over. */
class OTLPExporterError extends Error {
  override readonly name = 'OTLPExporterError';
  constructor(
    message: string,
    readonly code?: number,
  ) {
    super(message);
  }
}

const networkError = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4318'), { code: 'ECONNREFUSED' });

test('each export is counted by outcome and reason, and passed up as done', async () => {
  const results: ExportResult[] = [
    { code: ExportResultCode.SUCCESS },
    { code: ExportResultCode.FAILED, error: new ExportHeldBackError('held back') },
    { code: ExportResultCode.FAILED, error: new ExportDeadlineError('late') },
    { code: ExportResultCode.FAILED, error: new OTLPExporterError('Bad Request', 400) },
    { code: ExportResultCode.FAILED, error: new OTLPExporterError('Export failed with retryable status') },
    { code: ExportResultCode.FAILED, error: networkError },
    { code: ExportResultCode.FAILED, error: new Error('Request timed out') },
    { code: ExportResultCode.FAILED, error: new Error('Concurrent export limit reached') },
    { code: ExportResultCode.FAILED, error: new ExportRejectedError('span export rejected: HTTP 413 (payload too large)', 413, 'payload too large') },
  ];
  const account = new DeliveryAccounts().open('logs', 100);
  const exporter = new AccountedExporter<number[]>(
    { export: (_batch, done) => done(results.shift()!), shutdown: async () => undefined },
    account,
    batchLength,
    () => 503, // the status the response watcher saw last
  );
  const passedUp: ExportResultCode[] = [];
  for (const size of [1, 2, 3, 4, 5, 6, 7, 8, 9]) {
    for (let i = 0; i < size; i++) account.arrived();
    exporter.export(new Array<number>(size).fill(0), (result) => passedUp.push(result.code));
  }
  assert.deepEqual(
    { received: account.received, exported: account.exported, dropped: account.dropped, failed: account.failed, queued: account.queued, inFlight: account.inFlight },
    { received: 45, exported: 1, dropped: { queue_full: 0, held_back: 2 }, failed: { deadline: 3, rejected: 4 + 5 + 9, network: 6 + 7, other: 8 }, queued: 0, inFlight: 0 },
  );
  assert.equal(account.lastStatus, 413, "Beacon's sender names the status of every rejection");
  assert.equal(account.lastRejection, 'payload too large', 'and what the backend said');
  assert.equal(account.lastNetworkError, 'socket timeout');
  // Counted here and reported once a minute: the processor above must not log each failed batch.
  assert.deepEqual(new Set(passedUp), new Set([ExportResultCode.SUCCESS]));
});

test('losses are reported within a second, then at most once per interval, with counts and reasons', async () => {
  const delivery = new DeliveryAccounts();
  const spans = delivery.open('spans', 2);
  const lines: string[] = [];
  let now = 0;
  const report = startDeliveryReport(delivery.all(), (line) => lines.push(line), 60_000, () => now);
  const exporter = new AccountedExporter<number[]>(
    { export: (_batch, done) => done({ code: ExportResultCode.FAILED, error: new OTLPExporterError('Export failed with retryable status') }), shutdown: async () => undefined },
    spans,
    batchLength,
    () => 503,
  );
  for (let i = 0; i < 5; i++) spans.arrived();
  for (let i = 0; i < 3; i++) spans.droppedForRoom(); // the queue holds 2
  exporter.export([0, 0], () => undefined);
  await pollUntil(() => lines.length > 0, 3000);
  assert.deepEqual(lines, ['spans: 3 dropped (queue full), 2 failed (HTTP 503) in the last 1 s; 0 exported']);

  now = 10_000; // more losses inside the interval: no line yet
  spans.handOver(1_234_567);
  spans.settle(1_234_567, { code: ExportResultCode.FAILED, error: new ExportHeldBackError('held back') }, 0, null);
  spans.handOver(1_000);
  spans.settle(1_000, { code: ExportResultCode.SUCCESS }, 0.1, null);
  // Proving that no line comes takes waiting past the first-line delay (1 s).
  await sleepAtLeast(1500);
  assert.equal(lines.length, 1);
  now = 30_000;
  report.stop(); // shutdown: what is due is said at once
  assert.deepEqual(lines.slice(1), ['spans: 1,234,567 dropped (held back) in the last 30 s; 1,000 exported']);
  report.stop();
  assert.equal(lines.length, 2, 'nothing new, nothing said');
});
