/**
 * The OTLP log output's encoder thread (otlp-encoder.ts): for each batch of lines, parses
 * them, builds their records (otlp-record.ts) and serialises the export request with
 * upstream's serializer — protobuf, or OTLP/JSON for http/json — and hands the body back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { JsonLogsSerializer, ProtobufLogsSerializer } from '../otel/otlp-transformer.cjs';
import { resourceFromAttributes } from '../otel/resources.cjs';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { type EncodeReply, type EncodeRequest, type EncoderSetup, IDS_WIDTH, TRACE_ID_WIDTH } from './otlp-encoder.js';
import { toLogRecord } from './otlp-record.js';

const { keys, skip, json, resource: setupResource } = workerData as EncoderSetup;
const notAttributes = new Set(skip);
const resource = resourceFromAttributes(setupResource.attributes, { schemaUrl: setupResource.schemaUrl });
const serializer = json ? JsonLogsSerializer : ProtobufLogsSerializer;

function encode({ lines, lineLengths, ids, traceFlags, observedMs }: EncodeRequest): Uint8Array | undefined {
  const records: ReadableLogRecord[] = [];
  let offset = 0;
  for (let i = 0; i < lineLengths.length; i++) {
    const line = lines.slice(offset, (offset += lineLengths[i]!));
    let fields: Record<string, unknown>;
    try {
      fields = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue; // pino writes whole JSON lines; anything else is no record
    }
    const at = i * IDS_WIDTH;
    const spanContext = ids[at] === ' ' ? undefined : { traceId: ids.slice(at, at + TRACE_ID_WIDTH), spanId: ids.slice(at + TRACE_ID_WIDTH, at + IDS_WIDTH), traceFlags: traceFlags[i]! };
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
