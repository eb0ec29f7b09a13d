/**
 * An export's I/O ends with the export: at its deadline, or when a bounded flush runs out,
 * its request is destroyed and its retry waits are cancelled; other exports are untouched,
 * and a healthy backend keeps its keep-alive connection.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { type ReadableSpan, TracerProvider } from '@opentelemetry/sdk-trace';
import { DeadlineExporter, ExportDeadlineError, abortExportsInFlight } from '../../src/export/deadline-exporter.js';
import { OtlpHttpExporter } from '../../src/export/otlp-http.js';
import { type OtlpReceiverOptions, receiverFor } from '../helpers/otlp-receiver.js';
import { sleepAtLeast } from '../helpers/timing.js';
import type { TestContext } from 'node:test';

const tracer = new TracerProvider().getTracer('export-deadline-test');
function spans(count = 1): ReadableSpan[] {
  return Array.from({ length: count }, (_, i) => {
    const span = tracer.startSpan(`span ${i}`);
    span.end();
    return span as unknown as ReadableSpan;
  });
}

async function exporterFor(t: TestContext, options: OtlpReceiverOptions, deadlineMs: number) {
  const receiver = await receiverFor(t, options);
  const exporter = new DeadlineExporter(new OtlpHttpExporter('span', { endpoint: `${receiver.url}/v1/traces`, headers: {}, protocol: 'http/protobuf', timeoutMs: deadlineMs }), deadlineMs, 'span');
  t.after(() => exporter.shutdown());
  const send = () => {
    const started = performance.now();
    return new Promise<ExportResult & { ms: number }>((resolve) => exporter.export(spans(), (result) => resolve({ ...result, ms: performance.now() - started })));
  };
  return { receiver, send };
}

test('a healthy backend: exports succeed and share one keep-alive connection', async (t) => {
  const { receiver, send } = await exporterFor(t, {}, 2000);
  for (let i = 0; i < 3; i++) assert.equal((await send()).code, ExportResultCode.SUCCESS);
  assert.equal(receiver.spans.length, 3);
  assert.equal(receiver.connections().opened, 1);
});

test('at the deadline the request is destroyed by the client and nothing more is sent', async (t) => {
  const { receiver, send } = await exporterFor(t, { hang: true }, 400);
  const result = await send();
  assert.equal(result.code, ExportResultCode.FAILED);
  assert.ok(result.error instanceof ExportDeadlineError, String(result.error));
  assert.ok(result.ms >= 350 && result.ms < 2000, `settled after ${Math.round(result.ms)} ms`);
  await receiver.waitFor((r) => r.requests[0]?.closedAt !== undefined, { description: 'the request closed' });
  assert.equal(receiver.requests[0]!.closedBy, 'client');
  await sleepAtLeast(1000);
  assert.equal(receiver.requests.length, 1);
});

test('ending the exports in flight cancels their retry waits; exports started afterwards are unaffected', async (t) => {
  // 503 + Retry-After 1 s: the export waits between attempts, well inside its 5 s deadline.
  const throttled = await exporterFor(t, { status: 503, retryAfter: 1 }, 5000);
  const slow = await exporterFor(t, { delayMs: 600 }, 5000);
  const waiting = throttled.send();
  await throttled.receiver.waitFor((r) => r.requests.length === 1, { description: 'the first attempt' });
  abortExportsInFlight(new ExportDeadlineError('flush did not finish'));
  const aborted = await waiting;
  assert.ok(aborted.error instanceof ExportDeadlineError);
  assert.ok(aborted.ms < 1000, `settled after ${Math.round(aborted.ms)} ms`);
  const other = slow.send(); // started after the abort: its own scope, its own deadline
  assert.equal((await other).code, ExportResultCode.SUCCESS);
  await sleepAtLeast(1200);
  assert.equal(throttled.receiver.requests.length, 1, 'a retry went out after the export had ended');
});

test("within one export, a 429's Retry-After sets the wait before the retry: seconds, an HTTP date, 0; garbage falls back to the backoff; longer than the deadline means no retry", async (t) => {
  // `retryAfter()` is read as the export starts, not before the receiver is up: an HTTP date is then
  // as far ahead of the first attempt as meant, however long the start took.
  const gapAfterFirst = async (retryAfter: () => string, deadlineMs = 4000) => {
    const { receiver, send } = await exporterFor(t, {}, deadlineMs);
    receiver.setOptions({ status: 429, retryAfter: retryAfter() });
    const result = await send();
    const [first, second] = receiver.requests;
    return { result, requests: receiver.requests.length, gap: second ? second.receivedAt - first!.receivedAt : null };
  };
  // Each case has its own receiver and exporter: run at once, they cost the longest wait, not the sum.
  // An HTTP date has whole seconds: 3 s ahead is at least 2 s from now.
  const [zero, seconds, date, garbage, tooLong] = await Promise.all([
    gapAfterFirst(() => '0'), gapAfterFirst(() => '2'), gapAfterFirst(() => new Date(Date.now() + 3000).toUTCString()), gapAfterFirst(() => 'soon'), gapAfterFirst(() => '30', 2000),
  ]);
  assert.equal(zero.requests, 6, 'Retry-After 0: the first attempt and 5 retries at once');
  assert.ok(zero.gap! < 500, `Retry-After 0 waited ${zero.gap} ms`);
  assert.ok(seconds.gap! >= 1900, `Retry-After 2 waited ${seconds.gap} ms`);
  assert.ok(date.gap! >= 1900, `Retry-After <date> waited ${date.gap} ms`);
  assert.ok(garbage.gap! >= 700 && garbage.gap! < 3000, `Retry-After garbage: the backoff (0.8–1.2 s) waited ${garbage.gap} ms`);
  assert.equal(tooLong.requests, 1, 'a Retry-After beyond the deadline: no retry');
  assert.equal(tooLong.result.code, ExportResultCode.FAILED);
  assert.ok(tooLong.result.ms < 1000, `gave up after ${Math.round(tooLong.result.ms)} ms instead of at once`);
});
