// A test-side OTLP/gRPC receiver: a real @grpc/grpc-js server implementing the Export method
// of TraceService, MetricsService and LogsService, its messages (de)serialised with the
// protocol's definitions from the registry (otlp-decode.ts). It records flattened spans /
// metric points / log records and every call, and can answer with a failing status, with a
// google.rpc.RetryInfo in the status details (OTLP/gRPC throttling), or not at all.
import * as grpc from '@grpc/grpc-js';
import type { TestContext } from 'node:test';
import protobuf from 'protobufjs/minimal.js';
import { type ReceivedLog, type ReceivedMetricPoint, type ReceivedSpan, type ReceiverItems, type Signal, decodeBody, flatten, serviceType, waiters } from './otlp-decode.js';
import type { TlsIdentity } from './otlp-receiver.js';

export interface GrpcReceiverOptions {
  status?: grpc.status; // answer every export with this status (OK by default); items of a failed export are not recorded
  failures?: number; // with `status`: answer only this many calls with it, then OK
  retryDelayMs?: number; // with a failing status: a RetryInfo asking to wait this long
  hang?: boolean; // accept the call and never answer
}

export interface ReceivedCall {
  signal: Signal; metadata: Record<string, string>; itemCount: number;
  status: grpc.status | null; // null: never answered (hang)
  receivedAt: number; // Date.now() when the call's message had arrived
}
export interface GrpcReceiver extends ReceiverItems {
  readonly calls: readonly ReceivedCall[];
  waitFor(predicate: (receiver: GrpcReceiver) => boolean, options?: { timeoutMs?: number; description?: string }): Promise<void>;
  setOptions(options: GrpcReceiverOptions): void;
  close(): Promise<void>;
}

const SERVICES: Record<Signal, string> = {
  traces: 'opentelemetry.proto.collector.trace.v1.TraceService',
  metrics: 'opentelemetry.proto.collector.metrics.v1.MetricsService',
  logs: 'opentelemetry.proto.collector.logs.v1.LogsService',
};

/** The Export method, as @grpc/grpc-js needs it: the request stays bytes (decoded by the handler), the response is encoded. */
function exportMethod(signal: Signal): grpc.ServiceDefinition {
  const response = serviceType(signal, 'Response');
  return {
    Export: {
      path: `/${SERVICES[signal]}/Export`,
      requestStream: false,
      responseStream: false,
      requestSerialize: (bytes: Buffer) => bytes,
      requestDeserialize: (bytes: Buffer) => bytes,
      responseSerialize: (message: object) => Buffer.from(response.encode(message).finish()),
      responseDeserialize: (bytes: Buffer) => response.decode(bytes),
    },
  };
}

/** google.rpc.Status { code, message, details: [Any(google.rpc.RetryInfo { retry_delay: Duration })] }, serialised. */
export function statusWithRetryInfo(code: grpc.status, message: string, delayMs: number): Buffer {
  const { Writer } = protobuf;
  const duration = Writer.create().uint32(8).int64(Math.floor(delayMs / 1000)).uint32(16).int32((delayMs % 1000) * 1e6).finish();
  const retryInfo = Writer.create().uint32(10).bytes(duration).finish();
  const any = Writer.create().uint32(10).string('type.googleapis.com/google.rpc.RetryInfo').uint32(18).bytes(retryInfo).finish();
  return Buffer.from(Writer.create().uint32(8).int32(code).uint32(18).string(message).uint32(26).bytes(any).finish());
}

/** A receiver that is closed when the test ends. */
export async function grpcReceiverFor(t: TestContext, options: GrpcReceiverOptions = {}, tls?: TlsIdentity): Promise<GrpcReceiver> {
  const receiver = await startGrpcReceiver(options, tls);
  t.after(() => receiver.close());
  return receiver;
}

export async function startGrpcReceiver(initialOptions: GrpcReceiverOptions = {}, tls?: TlsIdentity): Promise<GrpcReceiver> {
  let options = { ...initialOptions };
  const spans: ReceivedSpan[] = [], metrics: ReceivedMetricPoint[] = [], logs: ReceivedLog[] = [], calls: ReceivedCall[] = [];
  const { notify, waitFor } = waiters(() => receiver, () =>
    `spans=${spans.length} metrics=${metrics.length} logs=${logs.length} calls=[${calls.map((call) => `${call.signal}→${call.status === null ? 'no answer' : grpc.status[call.status]}`).join(', ')}]`);

  const server = new grpc.Server();
  for (const signal of Object.keys(SERVICES) as Signal[]) {
    server.addService(exportMethod(signal), {
      Export: (call: grpc.ServerUnaryCall<Buffer, object>, callback: grpc.sendUnaryData<object>) => {
        const failing = options.failures === undefined || calls.filter((call) => call.status !== grpc.status.OK).length < options.failures;
        const status = failing ? options.status ?? grpc.status.OK : grpc.status.OK;
        const decoded = decodeBody(signal, 'protobuf', call.request);
        const record: ReceivedCall = {
          signal, metadata: Object.fromEntries(Object.entries(call.metadata.getMap()).map(([key, value]) => [key, String(value)])),
          itemCount: flatten(signal, decoded, status === grpc.status.OK ? { spans, metrics, logs } : { spans: [], metrics: [], logs: [] }),
          status: options.hang ? null : status, receivedAt: Date.now(),
        };
        calls.push(record);
        notify();
        if (options.hang) return;
        if (status === grpc.status.OK) return callback(null, {});
        const metadata = new grpc.Metadata();
        const details = `receiver configured to answer ${grpc.status[status]}`;
        if (options.retryDelayMs !== undefined) metadata.set('grpc-status-details-bin', statusWithRetryInfo(status, details, options.retryDelayMs));
        callback({ code: status, details, metadata });
      },
    });
  }
  const credentials = tls
    ? grpc.ServerCredentials.createSsl(null, [{ private_key: Buffer.from(tls.key), cert_chain: Buffer.from(tls.cert) }])
    : grpc.ServerCredentials.createInsecure();
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', credentials, (error, bound) => (error ? reject(error) : resolve(bound))));

  const receiver: GrpcReceiver = {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`, spans, metrics, logs, calls,
    waitFor,
    setOptions(next) { options = { ...next }; },
    close: async () => server.forceShutdown(), // also ends calls left unanswered
  };
  return receiver;
}
