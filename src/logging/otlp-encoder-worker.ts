/**
 * The OTLP log output's encoder thread (otlp-encoder.ts): for each batch of lines, parses
 * them, builds their records (otlp-record.ts) and serialises the export request with
 * upstream's serializer — protobuf, or OTLP/JSON for http/json — and hands the body back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { JsonLogsSerializer, ProtobufLogsSerializer } from '../otel/otlp-transformer.cjs';
import { resourceFromAttributes } from '../otel/resources.cjs';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { EncodeReply, EncodeRequest, EncoderSetup } from './otlp-encoder.js';
import { toLogRecord } from './otlp-record.js';

const { keys, skip, json, resource: setupResource } = workerData as EncoderSetup;
const notAttributes = new Set(skip);
const resource = resourceFromAttributes(setupResource.attributes, { schemaUrl: setupResource.schemaUrl });
const serializer = json ? JsonLogsSerializer : ProtobufLogsSerializer;

function encode({ lines, traceIds, spanIds, traceFlags, observedMs }: EncodeRequest): Uint8Array | undefined {
  const records: ReadableLogRecord[] = [];
  for (let i = 0; i < lines.length; i++) {
    let fields: Record<string, unknown>;
    try {
      fields = JSON.parse(lines[i]!) as Record<string, unknown>;
    } catch {
      continue; // pino writes whole JSON lines; anything else is no record
    }
    const spanContext = traceIds[i] ? { traceId: traceIds[i]!, spanId: spanIds[i]!, traceFlags: traceFlags[i]! } : undefined;
    records.push(toLogRecord(fields, keys, notAttributes, resource, spanContext, observedMs[i]!));
  }
  return serializer.serializeRequest(records);
}

parentPort!.on('message', (request: EncodeRequest) => {
  const body = encode(request) ?? null;
  const reply: EncodeReply = { id: request.id, body };
  // A body that owns its whole buffer moves across without a copy; a view into a shared one is copied.
  const movable = body !== null && body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
  parentPort!.postMessage(reply, movable ? [body.buffer as ArrayBuffer] : []);
});
