/**
 * The OTLP log output's encoder thread: lines and their trace context in, the export request
 * out (decoded here from the protobuf and the JSON it returns); a thread that fails fails
 * only the batches it holds, and the next batch gets a new one.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { lineKeys } from '../../src/logging/formats.js';
import { type EncoderSetup, LineEncoder, encoderSetup } from '../../src/logging/otlp-encoder.js';
import type { LogLine } from '../../src/logging/otlp-record.js';
import { type Received, decodeBody, flatten } from '../helpers/otlp-decode.js';

const keys = lineKeys('structured');
const skip = ['msg', 'time', 'level', 'service', 'trace_id', 'span_id', 'trace_flags'];
const resource = resourceFromAttributes({ 'service.name': 'encoder-test', 'deployment.environment.name': 'test' });
const spanContext = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };

function line(fields: Record<string, unknown>, observedMs: number, context?: LogLine['spanContext']): LogLine {
  return { line: JSON.stringify(fields), spanContext: context, observedMs };
}

function decoded(body: Uint8Array | undefined, encoding: 'protobuf' | 'json'): Received {
  assert.ok(body, 'a body');
  const out: Received = { spans: [], metrics: [], logs: [] };
  flatten('logs', decodeBody('logs', encoding, Buffer.from(body)), out);
  return out;
}

for (const json of [false, true]) {
  test(`a batch becomes the export request (${json ? 'OTLP/JSON' : 'protobuf'}), made in the encoder thread`, async (t) => {
    const encoder = new LineEncoder(() => encoderSetup(keys, skip, json, resource));
    t.after(() => encoder.close());
    const time = Date.UTC(2026, 11, 3, 17, 0, 0, 250);
    const body = await encoder.serializeRequest([
      line({ level: 'info', time: new Date(time).toISOString(), service: 'x', msg: 'placed', order: { id: 7 }, trace_id: spanContext.traceId }, time + 5, spanContext),
      line({ level: 'error', time: new Date(time).toISOString(), msg: 'failed', err: { type: 'RangeError', message: 'out of stock', stack: 'RangeError: out of stock' } }, time + 6),
    ]);
    const { logs } = decoded(body, json ? 'json' : 'protobuf');
    assert.deepEqual(
      logs.map(({ severityNumber, severityText, body, attributes, traceId, spanId, flags, timeUnixNano, observedTimeUnixNano, resource, scope }) => ({
        severityNumber, severityText, body, attributes, traceId, spanId, flags, timeUnixNano, observedTimeUnixNano, resource: resource['service.name'], scope: scope.name,
      })),
      [
        {
          severityNumber: 9, severityText: 'INFO', body: 'placed', attributes: { order: { id: 7 } },
          traceId: spanContext.traceId, spanId: spanContext.spanId, flags: 1,
          timeUnixNano: BigInt(time) * 1_000_000n, observedTimeUnixNano: BigInt(time + 5) * 1_000_000n, resource: 'encoder-test', scope: 'beacon-otel',
        },
        {
          severityNumber: 17, severityText: 'ERROR', body: 'failed',
          attributes: { 'exception.type': 'RangeError', 'exception.message': 'out of stock', 'exception.stacktrace': 'RangeError: out of stock' },
          traceId: '', spanId: '', flags: 0,
          timeUnixNano: BigInt(time) * 1_000_000n, observedTimeUnixNano: BigInt(time + 6) * 1_000_000n, resource: 'encoder-test', scope: 'beacon-otel',
        },
      ],
    );
  });
}

test('a thread that fails fails its batch; the next batch gets a new thread', async (t) => {
  let starts = 0;
  const good = await encoderSetup(keys, skip, false, resource);
  // The first thread gets a setup whose keys it cannot read: its first batch throws in the thread.
  const encoder = new LineEncoder(async () => (starts++ === 0 ? ({ ...good, keys: null } as unknown as EncoderSetup) : good));
  t.after(() => encoder.close());
  const batch = [line({ level: 'warn', msg: 'slow' }, Date.now())];
  await assert.rejects(encoder.serializeRequest(batch), TypeError);
  const { logs } = decoded(await encoder.serializeRequest(batch), 'protobuf');
  assert.deepEqual(logs.map((record) => record.body), ['slow']);
  assert.equal(starts, 2);
});

test('the resource waits for its detectors before the thread starts', async (t) => {
  let settle!: () => void;
  const settled = new Promise<void>((resolve) => (settle = resolve));
  const detected = resourceFromAttributes({ 'service.name': 'late', 'host.id': settled.then(() => 'h-1') });
  const encoder = new LineEncoder(() => encoderSetup(keys, skip, false, detected));
  t.after(() => encoder.close());
  const body = encoder.serializeRequest([line({ level: 'info', msg: 'hello' }, Date.now())]);
  settle();
  const { logs } = decoded(await body, 'protobuf');
  assert.equal(logs[0]!.resource['host.id'], 'h-1');
});
