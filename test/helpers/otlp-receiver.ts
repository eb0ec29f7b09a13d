// A test-side OTLP/HTTP receiver: accepts what the real OpenTelemetry exporters send
// (protobuf or JSON, optionally gzip), decodes it with the protocol's definitions from the
// registry (otlp-decode.ts), and records flattened spans / metric points / log records to assert on.
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import zlib from 'node:zlib';
import { type ReceivedLog, type ReceivedMetricPoint, type ReceivedSpan, type ReceiverItems, type Signal, decodeBody, flatten, serviceType, waiters } from './otlp-decode.js';

export { type AttributeValue, type Attributes, type ReceivedLog, type ReceivedMetricPoint, type ReceivedSpan, type Signal, attributesJson } from './otlp-decode.js';

export interface ReceivedRequest {
  method: string; path: string; signal: Signal | null; headers: http.IncomingHttpHeaders;
  contentType: string; contentEncoding: string; encoding: 'protobuf' | 'json' | 'unknown';
  byteLength: number; decodedByteLength: number; // on the wire, and after gunzip
  itemCount: number; statusCode: number; // statusCode 0: never answered (hang)
  error?: string; // why the receiver rejected the request (bad path, content type, body)
  receivedAt: number; // Date.now() when the whole request had arrived
  startedAt: number; // Date.now() when its headers arrived
  closedAt?: number; // Date.now() when its connection closed, if it has
  closedBy?: 'client' | 'receiver'; // who ended that connection
}
export interface OtlpReceiverOptions {
  status?: number; // answer every export with this status; non-2xx payloads are not recorded
  retryAfter?: number | string; // sent as Retry-After: seconds, an HTTP date, or anything else
  hang?: boolean; // black hole: accept the request and never answer
  // Fault modes, applied once the whole request has arrived (and been recorded):
  reset?: boolean; // destroy the connection instead of answering
  dripMs?: number; // write the raw response one byte every dripMs
  delayMs?: number; // answer normally after delayMs
  body?: string; // the response body for non-2xx answers (default: a short JSON message)
  responseBytes?: number; // answer with a body of this many bytes
}
/** Connections as the receiver saw them: opened, and ended by the client (its FIN or RST came first). */
export interface ConnectionCounts { opened: number; closedByClient: number }
export interface OtlpReceiver extends ReceiverItems {
  readonly requests: readonly ReceivedRequest[];
  connections(): ConnectionCounts;
  /** TLS receivers: the error code of every failed handshake (e.g. the client's "unknown CA" alert). */
  tlsClientErrors(): string[];
  waitFor(predicate: (receiver: OtlpReceiver) => boolean, options?: { timeoutMs?: number; description?: string }): Promise<void>;
  setOptions(options: OtlpReceiverOptions): void;
  reset(): void;
  close(): Promise<void>;
}

const SIGNAL_PATHS: Record<string, Signal> = { '/v1/traces': 'traces', '/v1/metrics': 'metrics', '/v1/logs': 'logs' };

/** A receiver that is closed when the test ends. */
export async function receiverFor(t: TestContext, options: OtlpReceiverOptions = {}, tls?: TlsIdentity): Promise<OtlpReceiver> {
  const receiver = await startOtlpReceiver(options, tls);
  t.after(() => receiver.close());
  return receiver;
}

/** A key and certificate: with one, the receiver speaks HTTPS (see tls.ts for a self-signed one). */
export interface TlsIdentity { key: string; cert: string }

export async function startOtlpReceiver(initialOptions: OtlpReceiverOptions = {}, tls?: TlsIdentity): Promise<OtlpReceiver> {
  let options = { ...initialOptions };
  const spans: ReceivedSpan[] = [], metrics: ReceivedMetricPoint[] = [], logs: ReceivedLog[] = [], requests: ReceivedRequest[] = [];
  const { notify, waitFor } = waiters(() => receiver, () => {
    const statuses = requests.map((r) => `${r.path}→${r.statusCode}${r.error ? ` (${r.error})` : ''}`).join(', ');
    return `spans=${spans.length} metrics=${metrics.length} logs=${logs.length} requests=${requests.length}${statuses ? ` [${statuses}]` : ''}`;
  });

  const handle = (req: http.IncomingMessage, res: http.ServerResponse, raw: Buffer, startedAt: number): void => {
    const pathname = new URL(req.url ?? '/', 'http://receiver').pathname;
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const contentEncoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    const encoding = contentType === 'application/json' ? 'json' : /^application\/(x-)?protobuf$/.test(contentType) ? 'protobuf' : 'unknown';
    const signal = SIGNAL_PATHS[pathname] ?? null;
    const record: ReceivedRequest = {
      method: req.method ?? '', path: pathname, signal, headers: { ...req.headers }, contentType, contentEncoding, encoding,
      byteLength: raw.length, decodedByteLength: 0, itemCount: 0, statusCode: 0, receivedAt: Date.now(), startedAt,
    };
    // One 'close' listener per connection (below) marks every request it carried.
    const carried = requestsOf.get(req.socket) ?? [];
    carried.push(record);
    requestsOf.set(req.socket, carried);
    let status = options.status ?? 200;
    try {
      if (req.method !== 'POST') [status, record.error] = [405, `method ${req.method} not allowed`];
      else if (!signal) [status, record.error] = [404, `unknown path ${pathname}`];
      else if (encoding === 'unknown') [status, record.error] = [415, `unsupported content-type '${contentType}'`];
      else if (!['identity', 'gzip'].includes(contentEncoding)) [status, record.error] = [415, `unsupported content-encoding '${contentEncoding}'`];
      else {
        const body = contentEncoding === 'gzip' ? zlib.gunzipSync(raw) : raw;
        record.decodedByteLength = body.length;
        const decoded = decodeBody(signal, encoding, body);
        record.itemCount = flatten(signal, decoded, status < 300 ? { spans, metrics, logs } : { spans: [], metrics: [], logs: [] });
      }
    } catch (error) {
      [status, record.error] = [400, `cannot decode ${encoding} ${signal ?? ''} request: ${(error as Error).message}`];
    }
    const answers = !options.hang && !options.reset && options.dripMs === undefined;
    record.statusCode = answers ? status : 0;
    requests.push(record);
    notify();
    if (options.hang) return;
    if (options.reset) {
      req.socket.destroy();
      return;
    }
    const headers: Record<string, string> = {};
    if (options.retryAfter !== undefined) headers['Retry-After'] = String(options.retryAfter);
    let body: Uint8Array | string;
    if (options.responseBytes !== undefined) [headers['Content-Type'], body] = ['application/octet-stream', Buffer.alloc(options.responseBytes, 'x')];
    else if (encoding === 'protobuf' && signal && status < 300) [headers['Content-Type'], body] = ['application/x-protobuf', serviceType(signal, 'Response').encode({}).finish()];
    else [headers['Content-Type'], body] = ['application/json', status < 300 ? '{}' : options.body ?? JSON.stringify({ message: record.error ?? `receiver configured to answer ${status}` })];
    if (options.dripMs !== undefined) return drip(req.socket, status, headers, body, options.dripMs);
    const answer = (): void => void res.writeHead(status, headers).end(body);
    if (options.delayMs) setTimeout(answer, options.delayMs);
    else answer();
  };

  // The whole response, status line included, one byte per tick: every byte restarts a client's idle timer.
  const drip = (socket: net.Socket, status: number, headers: Record<string, string>, body: Uint8Array | string, everyMs: number): void => {
    const head = `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
    const bytes = Buffer.concat([Buffer.from(head), Buffer.from(body)]);
    let sent = 0;
    const timer = setInterval(() => {
      if (sent < bytes.length && !socket.destroyed) socket.write(bytes.subarray(sent, ++sent));
      else clearInterval(timer);
    }, everyMs);
    socket.once('close', () => clearInterval(timer));
  };

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const startedAt = Date.now();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks), startedAt));
  };
  const server = tls ? https.createServer(tls, onRequest) : http.createServer(onRequest);
  const connections: ConnectionCounts = { opened: 0, closedByClient: 0 };
  const requestsOf = new WeakMap<net.Socket, ReceivedRequest[]>();
  let closing = false;
  const tlsErrors: string[] = [];
  server.on('tlsClientError', (error: NodeJS.ErrnoException) => tlsErrors.push(error.code ?? error.message));
  server.on('connection', (socket: net.Socket) => {
    connections.opened++;
    // The client ended it when its FIN (or RST) came before the receiver ended its side
    // (prepended: the HTTP server's own 'end' listener ends our side at once).
    let byClient = false;
    socket.prependOnceListener('end', () => (byClient ||= !socket.writableEnded && !closing));
    socket.prependOnceListener('error', () => (byClient ||= !closing));
    socket.once('close', () => {
      if (byClient) connections.closedByClient++;
      for (const record of requestsOf.get(socket) ?? []) [record.closedAt, record.closedBy] = [Date.now(), byClient ? 'client' : 'receiver'];
      notify();
    });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;

  const receiver: OtlpReceiver = {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`, spans, metrics, logs, requests,
    connections: () => ({ ...connections }),
    tlsClientErrors: () => [...tlsErrors],
    waitFor,
    setOptions(next) { options = { ...next }; },
    reset() { spans.length = metrics.length = logs.length = requests.length = 0; },
    async close() {
      if (!server.listening) return;
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections(); // also ends hung requests and exporters' keep-alive sockets
      await closed;
    },
  };
  return receiver;
}
