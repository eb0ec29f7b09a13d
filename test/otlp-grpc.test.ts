/**
 * OTLP over gRPC end to end: apps under the register entry send spans, metrics and log
 * records to a real gRPC server (helpers/grpc-receiver.ts), chosen in the config object or by
 * OTEL_EXPORTER_OTLP_PROTOCOL; what arrives is decoded with the protocol's definitions. The
 * gRPC side of test/export-backoff.test.ts and the fault suite follows: retries that wait for
 * RetryInfo, backoff on RESOURCE_EXHAUSTED, an unreachable endpoint.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { status as grpcStatus } from '@grpc/grpc-js';
import { fixture, runToEnd, startApp } from './helpers/app.js';
import { assertBufferedSpansDeliveredAtSigterm, deliveryOf, scrape, sum } from './helpers/delivery.js';
import { type GrpcReceiver, grpcReceiverFor } from './helpers/grpc-receiver.js';
import { get, load } from './helpers/http.js';
import { freePort, refusedUrl } from './helpers/net.js';
import { pollUntil, sleep } from './helpers/timing.js';
import { selfSignedCert } from './helpers/tls.js';

/** Waits for a server span, a log record and an HTTP metric of one request to /work, and checks what they say. */
async function assertAllSignals(receiver: GrpcReceiver, service: string): Promise<void> {
  const span = () => receiver.spans.find((item) => item.kindName === 'SERVER' && item.attributes['url.path'] === '/work');
  const log = () => receiver.logs.find((item) => JSON.stringify(item.body).includes('handled'));
  const metric = () => receiver.metrics.find((item) => item.name === 'http.server.request.duration');
  await receiver.waitFor(() => !!(span() && log() && metric()), { timeoutMs: 15_000, description: 'a span, a log record and an HTTP metric' });
  assert.equal(span()!.name, 'GET');
  assert.equal(span()!.attributes['http.request.method'], 'GET');
  assert.equal(log()!.severityText, 'INFO');
  assert.equal(log()!.traceId, span()!.traceId, 'the log record carries the trace of the request it was written in');
  assert.equal(metric()!.type, 'histogram');
  for (const item of [span()!, log()!, metric()!]) assert.equal(item.resource['service.name'], service);
  assert.deepEqual(new Set(receiver.calls.filter((call) => call.status === 0).map((call) => call.signal)), new Set(['traces', 'metrics', 'logs']));
  for (const call of receiver.calls) assert.match(call.metadata['user-agent'] ?? '', /^beacon-otel\/\S+ grpc-node-js\//);
}

test("protocol 'grpc' in the config object: spans, metrics and log records reach a gRPC receiver, headers as metadata", async (t) => {
  const receiver = await grpcReceiverFor(t);
  const grpc = { protocol: 'grpc', endpoint: receiver.url, headers: { 'x-tenant': 'acme' } };
  const app = await startApp(t, fixture('fault-app.cjs'), {
    config: {
      service: { name: 'grpc-config' },
      tracing: { otlp: grpc, batch: { scheduledDelayMs: 200 } },
      logging: { outputs: ['console', 'otlp'], otlp: grpc },
      metrics: { exporters: ['otlp'], interval: 0.5, otlp: grpc },
    },
  });
  await get(`${app.url}/work`);
  await assertAllSignals(receiver, 'grpc-config');
  for (const call of receiver.calls) assert.equal(call.metadata['x-tenant'], 'acme');
});

test('OTEL_EXPORTER_OTLP_PROTOCOL=grpc: every signal goes to OTEL_EXPORTER_OTLP_ENDPOINT as it is, OTEL_EXPORTER_OTLP_HEADERS as metadata', async (t) => {
  const receiver = await grpcReceiverFor(t);
  const app = await startApp(t, fixture('fault-app.cjs'), {
    receiver, // OTEL_EXPORTER_OTLP_ENDPOINT
    env: {
      OTEL_SERVICE_NAME: 'grpc-env',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=from-env',
      OTEL_LOGS_EXPORTER: 'otlp',
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_METRIC_EXPORT_INTERVAL: '500',
      OTEL_BSP_SCHEDULE_DELAY: '200',
    },
  });
  await get(`${app.url}/work`);
  await assertAllSignals(receiver, 'grpc-env');
  const startLine = app.stderr().split('\n')[0]!;
  for (const signal of ['traces', 'metrics', 'logs']) assert.match(startLine, new RegExp(`${signal} → [^;]*otlp ${receiver.url} \\[grpc\\]`));
  for (const call of receiver.calls) assert.equal(call.metadata['x-tenant'], 'from-env');
});

test('UNAVAILABLE with a RetryInfo, then OK: the export is tried again after the delay asked for, and nothing is lost', async (t) => {
  // 2.5 s is well past the retries' own 1 s ± 20 %, and inside the export's 6 s deadline.
  const receiver = await grpcReceiverFor(t, { status: grpcStatus.UNAVAILABLE, retryDelayMs: 2500 });
  const app = await startApp(t, fixture('fault-app.cjs'), {
    config: { tracing: { otlp: { protocol: 'grpc', endpoint: receiver.url, timeoutMs: 6000 }, batch: { scheduledDelayMs: 100 } } },
  });
  await get(`${app.url}/work`);
  await receiver.waitFor((r) => r.calls.length > 0, { description: 'the first export' });
  receiver.setOptions({});
  await receiver.waitFor((r) => r.spans.some((span) => span.attributes['url.path'] === '/work'), { timeoutMs: 8000, description: 'the span, after the retry' });
  const [refused, accepted] = receiver.calls;
  assert.equal(refused!.status, grpcStatus.UNAVAILABLE);
  assert.equal(accepted!.status, grpcStatus.OK);
  assert.equal(accepted!.itemCount, refused!.itemCount, 'the retry carries the whole batch');
  const waited = accepted!.receivedAt - refused!.receivedAt;
  assert.ok(waited >= 2400 && waited < 4000, `the retry came ${waited} ms after the UNAVAILABLE asking for 2500 ms`);
});

test('RESOURCE_EXHAUSTED: one call per backoff step, and the spans buffered at SIGTERM still arrive', async (t) => {
  const receiver = await grpcReceiverFor(t, { status: grpcStatus.RESOURCE_EXHAUSTED });
  const app = await startApp(t, fixture('express-app.cjs'), {
    // Batches of 10 spans leave as soon as they fill; no timer-driven exports.
    env: { OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '10', OTEL_BSP_SCHEDULE_DELAY: '60000' },
    config: { tracing: { otlp: { protocol: 'grpc', endpoint: receiver.url, timeoutMs: 300 } } },
  });
  await load(30, 4, (i) => get(`${app.url}/users/${i}`)); // ~120 spans: a dozen full batches
  await sleep(300);
  const callsWhileFailing = receiver.calls.length;
  assert.ok(callsWhileFailing >= 1 && callsWhileFailing <= 3, `${callsWhileFailing} export calls to a throttling collector`);

  receiver.setOptions({});
  await assertBufferedSpansDeliveredAtSigterm(app, receiver);
});

test('RESOURCE_EXHAUSTED with a RetryInfo longer than the export deadline: no call before that time, then one again', async (t) => {
  const receiver = await grpcReceiverFor(t, { status: grpcStatus.RESOURCE_EXHAUSTED, retryDelayMs: 5000 });
  const app = await startApp(t, fixture('express-app.cjs'), {
    env: { OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '10', OTEL_BSP_SCHEDULE_DELAY: '60000' },
    config: { tracing: { otlp: { protocol: 'grpc', endpoint: receiver.url, timeoutMs: 300 } } },
  });
  const wave = (name: string) => load(10, 2, (i) => get(`${app.url}/users/${name}${i}`)); // ~30 spans: full batches

  await wave('first');
  await receiver.waitFor((r) => r.calls.length > 0, { description: 'the first export' });
  const first = receiver.calls[0]!.receivedAt; // its RetryInfo asks for 5 s
  await sleep(first + 2500 - Date.now()); // past the backoff of two failed exports (2 s), inside the 5 s asked for
  await wave('second');
  assert.ok(Date.now() < first + 4900, 'the second wave ran while the collector asked to wait');
  await sleep(first + 5300 - Date.now());
  await wave('third');
  await receiver.waitFor((r) => r.calls.some((call) => call.receivedAt >= first + 4900), { description: 'an export after the wait' });
  // Batches already in flight when the first answer came back arrive within moments of it; then nothing until the wait is over.
  const during = receiver.calls.filter((call) => call.receivedAt > first + 500 && call.receivedAt < first + 4900);
  assert.deepEqual(during.map((call) => call.receivedAt - first), [], 'no call while the collector asked to wait');
});

test('an unreachable gRPC endpoint: the app keeps serving, every lost span and log record is counted, SIGTERM exits within the shutdown deadline', async (t) => {
  const endpoint = await refusedUrl();
  const metricsPort = await freePort();
  const grpc = { protocol: 'grpc', endpoint, timeoutMs: 1000 };
  const app = await startApp(t, fixture('fault-app.cjs'), {
    config: {
      tracing: { otlp: grpc, batch: { scheduledDelayMs: 100 } },
      logging: { outputs: ['console', 'otlp'], otlp: grpc },
      metrics: { collectors: [], prometheus: { host: '127.0.0.1', port: metricsPort } },
      shutdown: { timeoutMs: 2000 },
    },
  });
  for (let i = 0; i < 20; i++) assert.equal((await get(`${app.url}/work`)).status, 200);
  let spans = deliveryOf('', 'spans');
  await pollUntil(async () => {
    spans = deliveryOf(await scrape(metricsPort), 'spans');
    return spans.received >= 20 && sum(spans.failed) + sum(spans.dropped) > 0;
  }, 10_000);
  // Refused at once (network), or still waiting for the channel's reconnection when the export's deadline came.
  assert.ok(spans.failed.network! + spans.failed.deadline! > 0, `spans failed: ${JSON.stringify(spans.failed)}`);
  assert.equal(spans.exported, 0);
  const logs = deliveryOf(await scrape(metricsPort), 'logs');
  assert.ok(logs.received >= 20, `log records received: ${logs.received}`);
  const started = performance.now();
  assert.deepEqual(await app.stop(), { code: null, signal: 'SIGTERM' });
  const exitMs = performance.now() - started;
  assert.ok(exitMs < 2000 + 1000, `exit took ${Math.round(exitMs)} ms`);
  assert.match(app.stderr(), /spans: .*failed \((ECONNREFUSED|deadline)/);
});

test('a black-hole gRPC collector: a normal end and SIGTERM exit within shutdown.timeoutMs + 1 s, the calls cancelled', async (t) => {
  // Defaults: export deadlines 10 s (each call's gRPC deadline too), shutdown.timeoutMs 5 s.
  const receiver = await grpcReceiverFor(t, { hang: true });
  const options = { receiver, env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_LOGS_EXPORTER: 'otlp' } };
  const run = await runToEnd([fixture('fault-app-ends.cjs')], options);
  const done = Number(/^done (\d+)$/m.exec(run.stdout)?.[1]);
  assert.deepEqual(run.exit, { code: 0, signal: null }, run.stderr);
  const normalEndMs = Date.now() - done;
  assert.ok(normalEndMs < 5000 + 1000, `the loop ran dry, the process exited ${normalEndMs} ms later`);
  assert.ok(receiver.calls.some((call) => call.signal === 'traces') && receiver.calls.some((call) => call.signal === 'logs'), 'the calls were made');

  const app = await startApp(t, fixture('fault-app.cjs'), options);
  await get(`${app.url}/work`);
  await receiver.waitFor((r) => r.calls.some((call) => call.signal === 'traces' && call.receivedAt > done), { timeoutMs: 8000, description: 'a trace export from the second app' });
  const started = performance.now();
  assert.deepEqual(await app.stop(), { code: null, signal: 'SIGTERM' });
  const sigtermMs = performance.now() - started;
  assert.ok(sigtermMs < 5000 + 1000, `SIGTERM: exit ${Math.round(sigtermMs)} ms later`);
});

test('https:// is TLS: with OTEL_EXPORTER_OTLP_CERTIFICATE naming the CA spans arrive; without it nothing is sent', async (t) => {
  const identity = selfSignedCert();
  const receiver = await grpcReceiverFor(t, {}, identity);
  const ca = join(mkdtempSync(join(tmpdir(), 'beacon-grpc-ca-')), 'ca.pem');
  writeFileSync(ca, identity.cert);
  t.after(() => rmSync(dirname(ca), { recursive: true, force: true }));
  const config = { tracing: { otlp: { protocol: 'grpc', endpoint: receiver.url, timeoutMs: 1000 }, batch: { scheduledDelayMs: 100 } } };

  const untrusting = await startApp(t, fixture('fault-app.cjs'), { config });
  await get(`${untrusting.url}/untrusted`);
  await sleep(1500);
  assert.deepEqual(await untrusting.stop(), { code: null, signal: 'SIGTERM' });
  assert.deepEqual(receiver.calls, [], 'no call over a connection whose certificate is not trusted');

  const trusting = await startApp(t, fixture('fault-app.cjs'), { config, env: { OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE: ca } });
  await get(`${trusting.url}/trusted`);
  await receiver.waitFor((r) => r.spans.some((span) => span.attributes['url.path'] === '/trusted'), { description: 'the span, over TLS' });
});
