/**
 * A failing collector is not hammered batch after batch, and what is still buffered at
 * shutdown gets a real attempt anyway: an app under the register entry against a receiver
 * answering 503 (test/unit/export-backoff.test.ts: the rules themselves).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture, startApp } from './helpers/app.js';
import { assertBufferedSpansDeliveredAtSigterm } from './helpers/delivery.js';
import { get, load } from './helpers/http.js';
import { receiverFor } from './helpers/otlp-receiver.js';
import { sleep } from './helpers/timing.js';

test('a collector answering 503 gets one request per backoff step, and the spans buffered at SIGTERM still arrive', async (t) => {
  const receiver = await receiverFor(t, { status: 503 });
  const app = await startApp(t, fixture('express-app.cjs'), {
    // Batches of 10 spans leave as soon as they fill; no timer-driven exports.
    receiver,
    env: { OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '10', OTEL_BSP_SCHEDULE_DELAY: '60000' },
    config: { tracing: { otlp: { timeoutMs: 300 } } },
  });
  await load(30, 4, (i) => get(`${app.url}/users/${i}`)); // ~120 spans: a dozen full batches
  await new Promise((resolve) => setTimeout(resolve, 300));
  const requestsWhileFailing = receiver.requests.filter((request) => request.path === '/v1/traces').length;
  assert.ok(requestsWhileFailing >= 1 && requestsWhileFailing <= 3, `${requestsWhileFailing} export requests to a failing collector`);

  receiver.setOptions({});
  await assertBufferedSpansDeliveredAtSigterm(app, receiver);
});

test('a collector answering 503 with Retry-After gets no request before that time, then gets one again', async (t) => {
  // Retry-After 3 s is longer than the export timeout, so upstream's exporter gives up on the
  // export at once; without Beacon carrying it over, the next batch would go after the 1 s backoff.
  const receiver = await receiverFor(t, { status: 503, retryAfter: 3 });
  const app = await startApp(t, fixture('express-app.cjs'), {
    receiver,
    env: { OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '10', OTEL_BSP_SCHEDULE_DELAY: '60000' },
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
