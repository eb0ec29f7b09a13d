/**
 * A failing collector is not hammered batch after batch, and what is still buffered at
 * shutdown gets a real attempt anyway.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { BackoffExporter } from '../src/export/backoff-exporter.js';
import { Backoff } from '../src/export/backoff.js';
import { duringExplicitFlush } from '../src/export/explicit-flush.js';
import { parseRetryAfter } from '../src/export/retry-after.js';
import { fixture, get, load, startApp } from './helpers/app.js';
import { receiverFor } from './helpers/otlp-receiver.js';
import { sleep } from './helpers/timing.js';

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

test('a collector answering 503 gets one request per backoff step, and the spans buffered at SIGTERM still arrive', async (t) => {
  const receiver = await receiverFor(t, { status: 503 });
  const app = await startApp(t, fixture('express-app.cjs'), {
    // Batches of 10 spans leave as soon as they fill; no timer-driven exports.
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '10', OTEL_BSP_SCHEDULE_DELAY: '60000' },
    config: { tracing: { otlp: { timeoutMs: 300 } } },
  });
  await load(30, 4, (i) => get(`${app.url}/users/${i}`)); // ~120 spans: a dozen full batches
  await new Promise((resolve) => setTimeout(resolve, 300));
  const requestsWhileFailing = receiver.requests.filter((request) => request.path === '/v1/traces').length;
  assert.ok(requestsWhileFailing >= 1 && requestsWhileFailing <= 3, `${requestsWhileFailing} export requests to a failing collector`);

  receiver.setOptions({ status: 200 });
  await get(`${app.url}/users/last`); // fewer spans than a batch: they wait in the queue
  app.child.kill('SIGTERM');
  assert.deepEqual(await app.exited, { code: null, signal: 'SIGTERM' });
  assert.ok(
    receiver.spans.some((span) => span.kindName === 'SERVER' && span.attributes['url.path'] === '/users/last'),
    'the spans buffered at SIGTERM were not delivered',
  );
});

test('a collector answering 503 with Retry-After gets no request before that time, then gets one again', async (t) => {
  // Retry-After 3 s is longer than the export timeout, so upstream's exporter gives up on the
  // export at once; without Beacon carrying it over, the next batch would go after the 1 s backoff.
  const receiver = await receiverFor(t, { status: 503, retryAfter: 3 });
  const app = await startApp(t, fixture('express-app.cjs'), {
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '10', OTEL_BSP_SCHEDULE_DELAY: '60000' },
    config: { tracing: { otlp: { timeoutMs: 300 } } },
  });
  const traceRequests = () => receiver.requests.filter((request) => request.path === '/v1/traces');
  const wave = (name: string) => load(10, 2, (i) => get(`${app.url}/users/${name}${i}`)); // ~30 spans: full batches

  await wave('first');
  await receiver.waitFor(() => traceRequests().length > 0, { description: 'the first export' });
  const first = traceRequests()[0]!.receivedAt; // its 503 asks for 3 s
  await sleep(first + 1600 - Date.now()); // past the 1 s backoff, inside the 3 s asked for
  await wave('second');
  assert.ok(Date.now() < first + 2900, 'the second wave ran while the collector asked to wait');
  await sleep(first + 3300 - Date.now());
  await wave('third');
  await receiver.waitFor(() => traceRequests().some((request) => request.receivedAt >= first + 2900), { description: 'an export after the wait' });
  // Batches already in flight when the first 503 came back arrive within moments of it; then nothing until the wait is over.
  const during = traceRequests().filter((request) => request.receivedAt > first + 500 && request.receivedAt < first + 2900);
  assert.deepEqual(during.map((request) => request.receivedAt - first), [], 'no request while the collector asked to wait');
});
