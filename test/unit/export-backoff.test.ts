/**
 * A failing collector is not hammered batch after batch: the backoff and Retry-After rules,
 * on a fake backend in this process (test/export-backoff.test.ts: the same against an app).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { emptyResource } from '@opentelemetry/resources';
import { AggregationTemporality, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { BackoffExporter } from '../../src/export/backoff-exporter.js';
import { BackoffMetricExporter } from '../../src/export/backoff-metric-exporter.js';
import { Backoff } from '../../src/export/backoff.js';
import { duringExplicitFlush } from '../../src/export/explicit-flush.js';
import { DeliveryAccounts } from '../../src/export/export-accounting.js';
import { parseRetryAfter, watchRetryAfter } from '../../src/export/retry-after.js';

function fakeBackend(results: ExportResultCode[]) {
  const calls: number[][] = [];
  return {
    calls,
    export(items: number[], done: (result: ExportResult) => void) {
      calls.push(items);
      done({ code: results.shift() ?? ExportResultCode.SUCCESS });
    },
    shutdown: async () => undefined,
  };
}

const exportNow = (exporter: BackoffExporter<number[]>, items: number[]) =>
  new Promise<ExportResultCode>((resolve) => exporter.export(items, (result) => resolve(result.code)));

test('after a failure, batches are failed without a request for a doubling backoff, reset by a success', async () => {
  let now = 0;
  const backend = fakeBackend([ExportResultCode.FAILED, ExportResultCode.FAILED]);
  const exporter = new BackoffExporter(backend, 'span', new Backoff({ initialMs: 1000, maxMs: 30_000, now: () => now }));

  assert.equal(await exportNow(exporter, [1]), ExportResultCode.FAILED); // real attempt, fails
  assert.equal(await exportNow(exporter, [2]), ExportResultCode.FAILED); // skipped
  now = 999;
  assert.equal(await exportNow(exporter, [3]), ExportResultCode.FAILED); // still skipped
  now = 1000;
  assert.equal(await exportNow(exporter, [4]), ExportResultCode.FAILED); // real attempt, fails again → 2 s
  now = 2999;
  assert.equal(await exportNow(exporter, [5]), ExportResultCode.FAILED); // skipped
  now = 3000;
  assert.equal(await exportNow(exporter, [6]), ExportResultCode.SUCCESS); // real attempt, succeeds
  assert.equal(await exportNow(exporter, [7]), ExportResultCode.SUCCESS); // open again
  assert.deepEqual(backend.calls, [[1], [4], [6], [7]]);
});

test("a backend's Retry-After holds batches back for as long as it asked, when that is longer than the backoff", async () => {
  let now = 0;
  // Known once the backend has answered: the first export's 503 asks for 10 s.
  let askedUntil = 0;
  const retryAfter = { remainingMs: () => Math.max(0, askedUntil - now), lastErrorStatus: () => 503, close: () => undefined };
  const failing = fakeBackend([ExportResultCode.FAILED]);
  const backend = {
    ...failing,
    export(items: number[], done: (result: ExportResult) => void) {
      if (failing.calls.length === 0) askedUntil = now + 10_000;
      failing.export(items, done);
    },
  };
  const exporter = new BackoffExporter(backend, 'span', new Backoff({ initialMs: 1000, now: () => now, retryAfter }));
  assert.equal(await exportNow(exporter, [1]), ExportResultCode.FAILED); // real attempt: 503, Retry-After 10 s
  now = 9_999;
  assert.equal(await exportNow(exporter, [2]), ExportResultCode.FAILED); // skipped, though the 1 s backoff is over
  now = 10_000;
  assert.equal(await exportNow(exporter, [3]), ExportResultCode.SUCCESS);
  assert.deepEqual(backend.calls, [[1], [3]]);
});

test('Retry-After: delay-seconds or an HTTP date; anything else is ignored', () => {
  const now = Date.parse('2026-11-22T10:00:00Z');
  assert.equal(parseRetryAfter('120', now), 120_000);
  assert.equal(parseRetryAfter(' 0 ', now), 0);
  assert.equal(parseRetryAfter('Sun, 22 Nov 2026 10:00:30 GMT', now), 30_000);
  assert.equal(parseRetryAfter('Sun, 22 Nov 2026 09:00:00 GMT', now), 0, 'a date in the past: no wait');
  assert.equal(parseRetryAfter('soon', now), null);
  assert.equal(parseRetryAfter('-5', now), null);
  assert.equal(parseRetryAfter(undefined, now), null);
});

test('an explicit flush goes through even while backing off', async () => {
  const backend = fakeBackend([ExportResultCode.FAILED]);
  const exporter = new BackoffExporter(backend, 'span', new Backoff({ now: () => 0 }));
  await exportNow(exporter, [1]);
  assert.equal(await duringExplicitFlush(() => exportNow(exporter, [2])), ExportResultCode.SUCCESS);
  assert.deepEqual(backend.calls, [[1], [2]]);
});

test('metric pushes: skipped while backing off with cumulative temporality, never with delta (each delta push holds its own data)', async () => {
  const pushesAfterAFailure = async (temporality: AggregationTemporality) => {
    let calls = 0;
    const otlp: PushMetricExporter = {
      export: (_metrics, done) => done({ code: calls++ === 0 ? ExportResultCode.FAILED : ExportResultCode.SUCCESS }),
      forceFlush: async () => undefined,
      shutdown: async () => undefined,
      selectAggregationTemporality: () => temporality,
    };
    const exporter = new BackoffMetricExporter(otlp, watchRetryAfter('http://127.0.0.1:4318/v1/metrics'), new DeliveryAccounts().open('metrics', null));
    const push = () => new Promise<void>((resolve) => exporter.export({ resource: emptyResource(), scopeMetrics: [] }, () => resolve()));
    await push();
    await push();
    await exporter.shutdown();
    return calls;
  };
  assert.equal(await pushesAfterAFailure(AggregationTemporality.CUMULATIVE), 1, 'the push after a failure waits for the backoff');
  assert.equal(await pushesAfterAFailure(AggregationTemporality.DELTA), 2, 'with delta, the push after a failure is tried');
});
