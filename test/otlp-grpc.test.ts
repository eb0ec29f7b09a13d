/**
 * OTLP over gRPC end to end: apps under the register entry send spans, metrics and log
 * records to a real gRPC server (helpers/grpc-receiver.ts), chosen in the config object or by
 * OTEL_EXPORTER_OTLP_PROTOCOL; what arrives is decoded with the protocol's definitions.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture, startApp } from './helpers/app.js';
import { type GrpcReceiver, grpcReceiverFor } from './helpers/grpc-receiver.js';
import { get } from './helpers/http.js';

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
  for (const call of receiver.calls) assert.match(call.metadata['user-agent'] ?? '', /^beacon-otel\/\S+ OTel-OTLP-Exporter-JavaScript\//);
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
  for (const call of receiver.calls) assert.equal(call.metadata['x-tenant'], 'from-env');
});
