/**
 * OTLP/gRPC statuses as Beacon reads them (src/export/otlp-grpc.ts, grpc-retry-info.ts),
 * against a real gRPC server in this process: RetryInfo decoded from the status details,
 * retryable statuses tried again, every failure named for the accounts, a call cancelled with
 * its export (test/otlp-grpc.test.ts: the same from apps).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { status } from '@grpc/grpc-js';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { emptyResource } from '@opentelemetry/resources';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { startDeliveryReport } from '../../src/export/delivery-report.js';
import { AccountedExporter, DeliveryAccounts, ExportRejectedError, batchLength } from '../../src/export/export-accounting.js';
import { runInExport } from '../../src/export/export-scope.js';
import { retryDelayMs } from '../../src/export/grpc-retry-info.js';
import { OtlpGrpcExporter } from '../../src/export/otlp-grpc.js';
import { type GrpcReceiverOptions, grpcReceiverFor, statusWithRetryInfo } from '../helpers/grpc-receiver.js';
import { refusedUrl } from '../helpers/net.js';
import { pollUntil } from '../helpers/timing.js';

const PUSH: ResourceMetrics = { resource: emptyResource(), scopeMetrics: [] };

/** A metric exporter over gRPC to `endpoint`, with an export timeout of `timeoutMs`. */
const exporterFor = (endpoint: string, timeoutMs = 5000) =>
  new OtlpGrpcExporter<ResourceMetrics>('metrics', 'metric', { endpoint, headers: {}, protocol: 'grpc', timeoutMs });

const exportOnce = (exporter: OtlpGrpcExporter<ResourceMetrics>) => new Promise<ExportResult>((resolve) => exporter.export(PUSH, resolve));

async function answering(t: Parameters<typeof grpcReceiverFor>[0], options: GrpcReceiverOptions, timeoutMs?: number) {
  const receiver = await grpcReceiverFor(t, options);
  const exporter = exporterFor(receiver.url, timeoutMs);
  t.after(() => exporter.shutdown());
  return { receiver, exporter };
}

test('RetryInfo: the delay of google.rpc.RetryInfo in the status details, null without one or when garbled', () => {
  assert.equal(retryDelayMs(statusWithRetryInfo(status.RESOURCE_EXHAUSTED, 'slow down', 2500)), 2500);
  assert.equal(retryDelayMs(statusWithRetryInfo(status.UNAVAILABLE, '', 120_000)), 120_000);
  assert.equal(retryDelayMs(statusWithRetryInfo(status.UNAVAILABLE, 'x', 0)), 0);
  assert.equal(retryDelayMs(new Uint8Array()), null);
  assert.equal(retryDelayMs(Buffer.from([0x08, 0x0e, 0x12, 0x02, 0x6f, 0x6b])), null, 'a Status without details');
  assert.equal(retryDelayMs(Buffer.from([0x1a, 0x7f, 0x0a])), null, 'a detail longer than the bytes');
  assert.equal(retryDelayMs(Buffer.from([0xff, 0xff, 0xff])), null, 'a truncated varint');
  const otherDetail = Buffer.from(statusWithRetryInfo(status.UNAVAILABLE, 'x', 1000).toString('latin1').replace('RetryInfo', 'ErrorInfo'), 'latin1');
  assert.equal(retryDelayMs(otherDetail), null, 'another detail type');
});

test('UNAVAILABLE with a RetryInfo: tried again after the delay, within the export; a delay past the deadline fails it and holds later exports', async (t) => {
  const { receiver, exporter } = await answering(t, { status: status.UNAVAILABLE, retryDelayMs: 300, failures: 1 });
  const started = performance.now();
  assert.equal((await exportOnce(exporter)).code, ExportResultCode.SUCCESS);
  assert.deepEqual(receiver.calls.map((call) => call.status), [status.UNAVAILABLE, status.OK]);
  assert.ok(performance.now() - started >= 290, 'the retry waited for the RetryInfo');
  assert.equal(exporter.retryAfter.remainingMs(), 0, 'the wait is over once the retry went');

  const throttled = await answering(t, { status: status.RESOURCE_EXHAUSTED, retryDelayMs: 60_000 }, 1000);
  assert.equal((await exportOnce(throttled.exporter)).code, ExportResultCode.FAILED);
  assert.equal(throttled.receiver.calls.length, 1, 'a wait past the deadline fails the export at once');
  assert.ok(throttled.exporter.retryAfter.remainingMs() > 55_000, 'and the backoff holds later exports for the time asked');
});

test('statuses: RESOURCE_EXHAUSTED without RetryInfo and PERMISSION_DENIED are rejections (one call), a refused connection a network error', async (t) => {
  for (const code of [status.RESOURCE_EXHAUSTED, status.PERMISSION_DENIED]) {
    const { receiver, exporter } = await answering(t, { status: code });
    const { error } = await exportOnce(exporter);
    assert.equal(receiver.calls.length, 1, `${status[code]}: no retry`);
    assert.ok(error instanceof ExportRejectedError);
    assert.equal(error.status, status[code]);
    assert.equal(error.message, `metric export rejected: gRPC ${status[code]} (receiver configured to answer ${status[code]})`);
  }
  const refused = exporterFor(await refusedUrl(), 1500);
  t.after(() => refused.shutdown());
  const { error } = await exportOnce(refused);
  assert.equal((error as { code?: unknown }).code, 'ECONNREFUSED', String(error));
});

test('a call that is never answered is cancelled when its export ends', async (t) => {
  const { receiver, exporter } = await answering(t, { hang: true }, 10_000);
  const controller = new AbortController();
  const result = new Promise<ExportResult>((resolve) => runInExport(controller.signal, () => exporter.export(PUSH, resolve)));
  await receiver.waitFor((r) => r.calls.length === 1, { description: 'the call' });
  const ended = new Error('export deadline');
  controller.abort(ended);
  const started = performance.now();
  assert.equal((await result).error, ended);
  assert.ok(performance.now() - started < 100, 'settled at once');
  await exporter.shutdown(); // no call left to wait for
});

test('the delivery report names a gRPC rejection by its status', async () => {
  const delivery = new DeliveryAccounts();
  const logs = delivery.open('logs', 10);
  const lines: string[] = [];
  const report = startDeliveryReport(delivery.all(), (line) => lines.push(line), 60_000);
  const rejected = new ExportRejectedError('log export rejected: gRPC PERMISSION_DENIED (no tenant)', 'PERMISSION_DENIED', 'no tenant');
  const exporter = new AccountedExporter<number[]>({ export: (_batch, done) => done({ code: ExportResultCode.FAILED, error: rejected }), shutdown: async () => undefined }, logs, batchLength);
  for (let i = 0; i < 2; i++) logs.arrived();
  exporter.export([0, 0], () => undefined);
  await pollUntil(() => lines.length > 0, 3000);
  report.stop();
  assert.deepEqual(lines, ['logs: 2 failed (gRPC PERMISSION_DENIED (no tenant)) in the last 1 s; 0 exported']);
});
