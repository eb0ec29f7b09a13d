// Proves the test-side OTLP receiver decodes what the real OpenTelemetry exporters send.
import assert from 'node:assert/strict';
import test from 'node:test';
import { ROOT_CONTEXT, SeverityNumber, SpanKind, SpanStatusCode, TraceFlags, context, trace } from '@opentelemetry/api';
import type { SpanContext } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as OTLPTraceExporterJson } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPTraceExporterProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { post } from '../helpers/http.js';
import { receiverFor, startOtlpReceiver } from '../helpers/otlp-receiver.js';
import type { OtlpReceiver } from '../helpers/otlp-receiver.js';

const resource = resourceFromAttributes({ 'service.name': 'receiver-test', 'service.version': '9.9.9' });
const PARENT_ATTRIBUTES = {
  'attr.string': 'hello',
  'attr.int': 42,
  'attr.negative': -7,
  'attr.double': 3.25,
  'attr.bool': true,
  'attr.false': false,
  'attr.strings': ['a', 'b', 'c'],
};
const nowNanos = (): bigint => BigInt(Date.now()) * 1_000_000n;
type ProtoTraceExporterConfig = NonNullable<ConstructorParameters<typeof OTLPTraceExporterProto>[0]>;

/** Sends a SERVER parent and a CLIENT child (with an event and an error status) through `exporter`. */
async function sendParentAndChild(exporter: SpanExporter): Promise<{ parent: SpanContext; child: SpanContext }> {
  const provider = new TracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const tracer = provider.getTracer('receiver-test-scope', '1.2.3');
  const parent = tracer.startSpan('GET /orders', { kind: SpanKind.SERVER, attributes: PARENT_ATTRIBUTES });
  const child = tracer.startSpan('cache lookup', { kind: SpanKind.CLIENT }, trace.setSpan(context.active(), parent));
  child.addEvent('cache.miss', { 'cache.key': 'user:1', 'cache.size': 3 });
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'cache unavailable' });
  child.end();
  parent.end();
  await provider.shutdown();
  return { parent: parent.spanContext(), child: child.spanContext() };
}

async function assertParentAndChild(receiver: OtlpReceiver, ids: { parent: SpanContext; child: SpanContext }): Promise<void> {
  await receiver.waitFor((r) => r.spans.length >= 2, { description: 'the parent and child span' });
  const parent = receiver.spans.find((s) => s.name === 'GET /orders');
  const child = receiver.spans.find((s) => s.name === 'cache lookup');
  assert.ok(parent && child, `spans received: ${receiver.spans.map((s) => s.name).join(', ')}`);

  assert.equal(parent.traceId, ids.parent.traceId);
  assert.match(parent.traceId, /^[0-9a-f]{32}$/);
  assert.equal(parent.spanId, ids.parent.spanId);
  assert.equal(parent.parentSpanId, '');
  assert.equal(child.traceId, ids.parent.traceId);
  assert.equal(child.spanId, ids.child.spanId);
  assert.equal(child.parentSpanId, ids.parent.spanId);

  assert.deepEqual(parent.attributes, PARENT_ATTRIBUTES);
  assert.equal(parent.kind, 2);
  assert.equal(parent.kindName, 'SERVER');
  assert.equal(child.kindName, 'CLIENT');
  assert.deepEqual(parent.status, { code: 0, codeName: 'UNSET', message: '' });
  assert.deepEqual(child.status, { code: 2, codeName: 'ERROR', message: 'cache unavailable' });
  assert.equal(child.events.length, 1);
  assert.equal(child.events[0]?.name, 'cache.miss');
  assert.deepEqual(child.events[0]?.attributes, { 'cache.key': 'user:1', 'cache.size': 3 });
  assert.deepEqual(child.links, []);

  // fixed64 nanosecond timestamps survive the trip: close to now, and end >= start.
  assert.ok(parent.startTimeUnixNano > nowNanos() - 60_000_000_000n && parent.startTimeUnixNano <= nowNanos());
  assert.ok(parent.endTimeUnixNano >= parent.startTimeUnixNano);
  assert.ok(child.events[0] && child.events[0].timeUnixNano >= child.startTimeUnixNano);
  // Low byte: W3C sampled flag. Bit 8 (0x100): "is-remote is known" (and bit 9 unset: parent not remote).
  assert.equal(parent.flags, TraceFlags.SAMPLED | 0x100);

  for (const span of [parent, child]) {
    assert.equal(span.resource['service.name'], 'receiver-test');
    assert.equal(span.resource['service.version'], '9.9.9');
    assert.deepEqual(span.scope, { name: 'receiver-test-scope', version: '1.2.3', attributes: {} });
  }
  // SimpleSpanProcessor exports every span on its own: one request per span.
  assert.equal(receiver.requests.length, 2);
}

test('decodes spans sent by the OTLP/HTTP protobuf trace exporter', async (t) => {
  const receiver = await receiverFor(t);

  const ids = await sendParentAndChild(new OTLPTraceExporterProto({ url: `${receiver.url}/v1/traces` }));

  await assertParentAndChild(receiver, ids);
  for (const request of receiver.requests) {
    assert.equal(request.path, '/v1/traces');
    assert.equal(request.signal, 'traces');
    assert.equal(request.contentType, 'application/x-protobuf');
    assert.equal(request.encoding, 'protobuf');
    assert.equal(request.contentEncoding, 'identity');
    assert.equal(request.statusCode, 200);
    assert.ok(request.byteLength > 0);
    assert.match(String(request.headers['user-agent']), /^OTel-OTLP-Exporter-JavaScript\//);
  }
});

test('decodes spans sent by the OTLP/HTTP JSON trace exporter', async (t) => {
  const receiver = await receiverFor(t);

  const ids = await sendParentAndChild(new OTLPTraceExporterJson({ url: `${receiver.url}/v1/traces` }));

  await assertParentAndChild(receiver, ids);
  for (const request of receiver.requests) {
    assert.equal(request.contentType, 'application/json');
    assert.equal(request.encoding, 'json');
    assert.equal(request.statusCode, 200);
  }
});

test('decodes gzip-compressed protobuf exports', async (t) => {
  const receiver = await receiverFor(t);
  const compression = 'gzip' as ProtoTraceExporterConfig['compression'];

  const ids = await sendParentAndChild(new OTLPTraceExporterProto({ url: `${receiver.url}/v1/traces`, compression }));

  await assertParentAndChild(receiver, ids);
  for (const request of receiver.requests) {
    assert.equal(request.contentEncoding, 'gzip');
    assert.ok(request.decodedByteLength > 0);
  }
});

test('decodes counter and histogram points sent by the OTLP/HTTP protobuf metric exporter', async (t) => {
  const receiver = await startOtlpReceiver();
  const exporter = new OTLPMetricExporter({ url: `${receiver.url}/v1/metrics` });
  const provider = new MeterProvider({
    resource,
    readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 })],
  });
  // Hooks run in registration order: shut down (its final export needs the receiver) before closing.
  t.after(async () => {
    await provider.shutdown();
    await receiver.close();
  });
  const meter = provider.getMeter('receiver-test-meter', '0.0.1');
  const counter = meter.createCounter('orders.created', { description: 'Orders created', unit: '{order}' });
  counter.add(2, { region: 'eu' });
  counter.add(3, { region: 'eu' });
  counter.add(1, { region: 'us' });
  const histogram = meter.createHistogram('order.duration', { unit: 'ms' });
  histogram.record(12, { route: '/orders' });
  histogram.record(250, { route: '/orders' });

  await provider.forceFlush();

  await receiver.waitFor((r) => r.metrics.length >= 3, { description: 'two counter points and one histogram point' });
  const counterPoints = receiver.metrics.filter((m) => m.name === 'orders.created');
  assert.deepEqual(counterPoints.map((p) => [p.attributes.region, p.value]).sort(), [['eu', 5], ['us', 1]]);
  for (const point of counterPoints) {
    assert.equal(point.type, 'sum');
    assert.equal(point.isMonotonic, true);
    assert.equal(point.aggregationTemporality, 'CUMULATIVE');
    assert.equal(point.description, 'Orders created');
    assert.equal(point.unit, '{order}');
    assert.ok(point.timeUnixNano >= point.startTimeUnixNano && point.startTimeUnixNano > 0n);
    assert.equal(point.resource['service.name'], 'receiver-test');
    assert.deepEqual(point.scope, { name: 'receiver-test-meter', version: '0.0.1', attributes: {} });
  }

  const histogramPoint = receiver.metrics.find((m) => m.name === 'order.duration');
  assert.ok(histogramPoint);
  assert.equal(histogramPoint.type, 'histogram');
  assert.equal(histogramPoint.unit, 'ms');
  assert.deepEqual(histogramPoint.attributes, { route: '/orders' });
  assert.equal(histogramPoint.count, 2);
  assert.equal(histogramPoint.sum, 262);
  assert.equal(histogramPoint.min, 12);
  assert.equal(histogramPoint.max, 250);
  const bounds = histogramPoint.explicitBounds ?? [];
  const counts = histogramPoint.bucketCounts ?? [];
  assert.equal(counts.length, bounds.length + 1);
  assert.equal(counts.reduce((a, b) => a + b, 0), 2);
  assert.equal(counts[bounds.findIndex((b) => 12 <= b)], 1); // 12 lands in the first bucket whose bound is >= 12
  assert.equal(receiver.requests[0]?.contentType, 'application/x-protobuf');
});

test('decodes log records sent by the OTLP/HTTP protobuf log exporter', async (t) => {
  const receiver = await receiverFor(t);
  const provider = new LoggerProvider({
    resource,
    processors: [new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${receiver.url}/v1/logs` }) })],
  });
  const logger = provider.getLogger('receiver-test-logger', '0.1.0');
  const spanContext: SpanContext = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED };
  logger.emit({
    severityNumber: SeverityNumber.WARN,
    severityText: 'WARN',
    body: { msg: 'disk almost full', freeBytes: 1024, mounts: ['/', '/data'] },
    attributes: { 'disk.device': '/dev/sda1' },
    eventName: 'disk.low',
    context: trace.setSpanContext(ROOT_CONTEXT, spanContext),
  });
  logger.emit({ severityNumber: SeverityNumber.INFO, body: 'plain message', context: ROOT_CONTEXT });

  await provider.shutdown();

  await receiver.waitFor((r) => r.logs.length >= 2, { description: 'two log records' });
  const [warn, info] = receiver.logs;
  assert.ok(warn && info);
  assert.equal(warn.severityNumber, SeverityNumber.WARN);
  assert.equal(warn.severityText, 'WARN');
  assert.deepEqual(warn.body, { msg: 'disk almost full', freeBytes: 1024, mounts: ['/', '/data'] });
  assert.deepEqual(warn.attributes, { 'disk.device': '/dev/sda1' });
  assert.equal(warn.eventName, 'disk.low');
  assert.equal(warn.traceId, spanContext.traceId);
  assert.equal(warn.spanId, spanContext.spanId);
  assert.equal(warn.flags, TraceFlags.SAMPLED);
  assert.ok(warn.timeUnixNano > 0n && warn.observedTimeUnixNano > 0n);
  assert.equal(warn.resource['service.name'], 'receiver-test');
  assert.deepEqual(warn.scope, { name: 'receiver-test-logger', version: '0.1.0', attributes: {} });

  assert.equal(info.body, 'plain message');
  assert.equal(info.severityNumber, SeverityNumber.INFO);
  assert.equal(info.severityText, '');
  assert.equal(info.eventName, '');
  assert.equal(info.traceId, '');
  assert.equal(info.spanId, '');
  assert.equal(receiver.requests[0]?.contentType, 'application/x-protobuf');
});

async function finishedSpan(): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor({ exporter: memory })] });
  provider.getTracer('receiver-test-scope').startSpan('doomed').end();
  await provider.forceFlush();
  return memory.getFinishedSpans();
}

const exportWith = (exporter: SpanExporter, spans: ReadableSpan[]): Promise<ExportResult> =>
  new Promise((resolve) => exporter.export(spans, resolve));

test('status: 503 with Retry-After makes the exporter report a failed export', async (t) => {
  const receiver = await receiverFor(t, { status: 503, retryAfter: 30 });
  const exporter = new OTLPTraceExporterProto({ url: `${receiver.url}/v1/traces`, timeoutMillis: 2000 });
  t.after(() => exporter.shutdown());

  const result = await exportWith(exporter, await finishedSpan());

  assert.equal(result.code, ExportResultCode.FAILED);
  // Retry-After (30 s) exceeds the export timeout (2 s), so the exporter gives up after one attempt.
  assert.equal(receiver.requests.length, 1);
  assert.equal(receiver.requests[0]?.statusCode, 503);
  assert.equal(receiver.requests[0]?.itemCount, 1);
  assert.equal(receiver.spans.length, 0, 'rejected payloads are not recorded');

  receiver.setOptions({});
  assert.equal((await exportWith(exporter, await finishedSpan())).code, ExportResultCode.SUCCESS);
  assert.equal(receiver.spans.length, 1);
});

test('hang: true accepts the request, never answers, and close() still returns', async (t) => {
  const receiver = await receiverFor(t, { hang: true });
  const exporter = new OTLPTraceExporterProto({ url: `${receiver.url}/v1/traces`, timeoutMillis: 300 });
  t.after(() => exporter.shutdown());

  const result = await exportWith(exporter, await finishedSpan());

  assert.equal(result.code, ExportResultCode.FAILED);
  assert.ok(receiver.requests.length >= 1);
  assert.ok(receiver.requests.every((r) => r.statusCode === 0));
  await receiver.close();
});

test('accepts hand-written OTLP/JSON with snake_case field names and enum names', async (t) => {
  const receiver = await receiverFor(t);
  const body = {
    resource_spans: [{
      resource: { attributes: [{ key: 'service.name', value: { string_value: 'curl' } }] },
      scope_spans: [{
        scope: { name: 'manual' },
        spans: [{
          trace_id: '5B8EFFF798038103D269B633813FC60C',
          span_id: 'EEE19B7EC3C1B174',
          name: 'handmade',
          kind: 'SPAN_KIND_CONSUMER',
          start_time_unix_nano: '1544712660000000000',
          end_time_unix_nano: 1544712661000000000,
          attributes: [
            { key: 'big', value: { int_value: '9007199254740993' } },
            { key: 'raw', value: { bytes_value: 'AQID' } },
            { key: 'map', value: { kvlist_value: { values: [{ key: 'k', value: { double_value: 'NaN' } }] } } },
          ],
          status: { code: 'STATUS_CODE_OK' },
        }],
      }],
    }],
  };

  const response = await post(`${receiver.url}/v1/traces`, JSON.stringify(body), { 'Content-Type': 'application/json; charset=utf-8' });

  assert.equal(response.status, 200);
  assert.deepEqual(JSON.parse(response.body), {});
  const [span] = receiver.spans;
  assert.ok(span);
  assert.equal(span.traceId, '5b8efff798038103d269b633813fc60c');
  assert.equal(span.spanId, 'eee19b7ec3c1b174');
  assert.equal(span.kindName, 'CONSUMER');
  assert.equal(span.kind, 5);
  assert.equal(span.startTimeUnixNano, 1544712660000000000n);
  assert.deepEqual(span.attributes, { big: 9007199254740993n, raw: new Uint8Array([1, 2, 3]), map: { k: NaN } });
  assert.deepEqual(span.status, { code: 1, codeName: 'OK', message: '' });
  assert.deepEqual(span.resource, { 'service.name': 'curl' });
});

test('rejects unknown paths and content types with a recorded reason', async (t) => {
  const receiver = await receiverFor(t);

  const wrongPath = await post(`${receiver.url}/v1/profiles`, {});
  const wrongType = await post(`${receiver.url}/v1/logs`, 'hi', { 'Content-Type': 'text/plain' });
  const garbage = await post(`${receiver.url}/v1/logs`, new Uint8Array([0xff, 0xff, 0xff]), { 'Content-Type': 'application/x-protobuf' });

  assert.deepEqual([wrongPath.status, wrongType.status, garbage.status], [404, 415, 400]);
  assert.deepEqual(receiver.requests.map((r) => r.statusCode), [404, 415, 400]);
  assert.match(receiver.requests[2]?.error ?? '', /cannot decode protobuf logs request/);
});

test('waitFor rejects with the received counts when the predicate never holds', async (t) => {
  const receiver = await receiverFor(t);

  await assert.rejects(
    receiver.waitFor((r) => r.spans.length > 0, { timeoutMs: 50, description: 'any span' }),
    /timed out after 50 ms waiting for any span; received spans=0 metrics=0 logs=0 requests=0/,
  );
  receiver.reset();
  assert.equal(receiver.requests.length, 0);
});
