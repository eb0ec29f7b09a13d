/**
 * OTLP/gRPC statuses as Beacon reads them (src/export/otlp-grpc.ts, grpc-retry-info.ts), on a
 * fake upstream exporter failing the way @grpc/grpc-js fails a call: RetryInfo decoded from
 * the status details, retryable statuses tried again, every failure named for the accounts
 * (test/otlp-grpc.test.ts: the same against a real gRPC server).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Metadata, status } from '@grpc/grpc-js';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { startDeliveryReport } from '../../src/export/delivery-report.js';
import { AccountedExporter, DeliveryAccounts, ExportRejectedError, batchLength } from '../../src/export/export-accounting.js';
import { retryDelayMs } from '../../src/export/grpc-retry-info.js';
import { OtlpGrpcExporter } from '../../src/export/otlp-grpc.js';
import { statusWithRetryInfo } from '../helpers/grpc-receiver.js';
import { pollUntil } from '../helpers/timing.js';

/** A call's failure as @grpc/grpc-js reports it, with a RetryInfo when `delayMs` is given. */
function callError(code: status, details: string, delayMs?: number): Error {
  const metadata = new Metadata();
  if (delayMs !== undefined) metadata.set('grpc-status-details-bin', statusWithRetryInfo(code, details, delayMs));
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata });
}

/** An upstream exporter answering each call with the next of `answers` (then success), counting calls. */
function upstream(answers: Error[]) {
  const calls: number[] = [];
  return {
    calls,
    export: (batch: number[], done: (result: ExportResult) => void) => {
      calls.push(batch.length);
      const error = answers.shift();
      done(error ? { code: ExportResultCode.FAILED, error } : { code: ExportResultCode.SUCCESS });
    },
    shutdown: async () => undefined,
  };
}

const exportOnce = (exporter: OtlpGrpcExporter<number[]>, batch = [1, 2, 3]) =>
  new Promise<ExportResult>((resolve) => exporter.export(batch, resolve));

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

test('UNAVAILABLE with a RetryInfo: tried again after the delay, within the export; later exports are held for it', async () => {
  const fake = upstream([callError(status.UNAVAILABLE, 'overloaded', 300)]);
  const exporter = new OtlpGrpcExporter<number[]>(fake, 'span', 5000);
  const started = performance.now();
  const result = await exportOnce(exporter);
  assert.equal(result.code, ExportResultCode.SUCCESS);
  assert.deepEqual(fake.calls, [3, 3], 'the whole batch, twice');
  assert.ok(performance.now() - started >= 290, 'the retry waited for the RetryInfo');
  assert.ok(exporter.retryAfter.remainingMs() === 0, 'the wait is over once the retry went');

  const throttled = upstream([callError(status.RESOURCE_EXHAUSTED, 'quota', 60_000)]);
  const held = new OtlpGrpcExporter<number[]>(throttled, 'span', 1000);
  const failed = await exportOnce(held);
  assert.equal(failed.code, ExportResultCode.FAILED, 'a wait past the deadline fails the export at once');
  assert.deepEqual(throttled.calls, [3]);
  assert.ok(held.retryAfter.remainingMs() > 55_000, 'and the backoff holds later exports for the time asked');
});

test('statuses: RESOURCE_EXHAUSTED without RetryInfo and PERMISSION_DENIED are rejections (one call), a refused connection a network error', async () => {
  for (const [error, expected] of [
    [callError(status.RESOURCE_EXHAUSTED, 'quota'), 'RESOURCE_EXHAUSTED'],
    [callError(status.PERMISSION_DENIED, 'no tenant'), 'PERMISSION_DENIED'],
  ] as const) {
    const fake = upstream([error]);
    const result = await exportOnce(new OtlpGrpcExporter<number[]>(fake, 'log', 5000));
    assert.deepEqual(fake.calls, [3], `${expected}: no retry`);
    assert.ok(result.error instanceof ExportRejectedError);
    assert.equal(result.error.status, expected);
    assert.match(result.error.message, new RegExp(`^log export rejected: gRPC ${expected} \\(`));
  }
  const refused = upstream(new Array(10).fill(callError(status.UNAVAILABLE, 'No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:9')));
  const result = await exportOnce(new OtlpGrpcExporter<number[]>(refused, 'span', 1500));
  assert.equal((result.error as { code?: unknown }).code, 'ECONNREFUSED');
  assert.deepEqual(refused.calls, [3, 3], 'UNAVAILABLE is retried within the deadline (1 s ± 20 % apart)');
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
