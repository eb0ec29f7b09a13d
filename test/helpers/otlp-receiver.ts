// A test-side OTLP/HTTP receiver: accepts what the real OpenTelemetry exporters send
// (protobuf or JSON, optionally gzip), decodes it with the vendored upstream protos in
// test/proto, and records flattened spans / metric points / log records to assert on.
// test/proto holds open-telemetry/opentelemetry-proto files (Apache-2.0), loaded at run time:
// common, resource and trace as of release v1.7.0; logs (with event_name) and metrics from a later main.
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import protobuf from 'protobufjs';

export type AttributeValue = string | number | bigint | boolean | Uint8Array | null | AttributeValue[] | Attributes;
export interface Attributes { [key: string]: AttributeValue }
export type Signal = 'traces' | 'metrics' | 'logs';
export interface ReceivedScope { name: string; version: string; attributes: Attributes }
export interface ReceivedSpanEvent { name: string; timeUnixNano: bigint; attributes: Attributes }
export interface ReceivedSpanLink { traceId: string; spanId: string; traceState: string; flags: number; attributes: Attributes }
export interface ReceivedSpan {
  traceId: string; spanId: string; parentSpanId: string; traceState: string; flags: number;
  name: string; kind: number; kindName: string; // kindName: 'INTERNAL' | 'SERVER' | 'CLIENT' | ...
  startTimeUnixNano: bigint; endTimeUnixNano: bigint;
  attributes: Attributes; events: ReceivedSpanEvent[]; links: ReceivedSpanLink[];
  status: { code: number; codeName: string; message: string }; // codeName: 'UNSET' | 'OK' | 'ERROR'
  resource: Attributes; scope: ReceivedScope;
}
export type MetricType = 'sum' | 'gauge' | 'histogram' | 'exponentialHistogram' | 'summary';
export interface ExponentialBuckets { offset: number; bucketCounts: number[] }
/** One record per data point; fields beyond the common ones are set according to `type`. */
export interface ReceivedMetricPoint {
  name: string; description: string; unit: string; type: MetricType;
  aggregationTemporality?: string; isMonotonic?: boolean; // 'DELTA' | 'CUMULATIVE' (sum, histograms)
  attributes: Attributes; startTimeUnixNano: bigint; timeUnixNano: bigint; flags: number;
  value?: number | bigint; // sum, gauge: asDouble or asInt (bigint only beyond 2^53)
  count?: number; sum?: number; min?: number; max?: number; // histograms, summary
  bucketCounts?: number[]; explicitBounds?: number[]; // histogram
  scale?: number; zeroCount?: number; zeroThreshold?: number; positive?: ExponentialBuckets; negative?: ExponentialBuckets;
  quantileValues?: { quantile: number; value: number }[]; // summary
  resource: Attributes; scope: ReceivedScope;
}
export interface ReceivedLog {
  timeUnixNano: bigint; observedTimeUnixNano: bigint; severityNumber: number; severityText: string;
  body: AttributeValue | undefined; attributes: Attributes; eventName: string;
  traceId: string; spanId: string; flags: number; // '' when the record carries no trace context
  resource: Attributes; scope: ReceivedScope;
}
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
export interface OtlpReceiver {
  readonly url: string;
  readonly spans: readonly ReceivedSpan[];
  readonly metrics: readonly ReceivedMetricPoint[];
  readonly logs: readonly ReceivedLog[];
  readonly requests: readonly ReceivedRequest[];
  connections(): ConnectionCounts;
  /** TLS receivers: the error code of every failed handshake (e.g. the client's "unknown CA" alert). */
  tlsClientErrors(): string[];
  waitFor(predicate: (receiver: OtlpReceiver) => boolean, options?: { timeoutMs?: number; description?: string }): Promise<void>;
  setOptions(options: OtlpReceiverOptions): void;
  reset(): void;
  close(): Promise<void>;
}

type Loose = Record<string, unknown>;
const obj = (v: unknown): Loose => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Loose) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (v === undefined || v === null || v === '' ? 0 : Number(v));
const big = (v: unknown): bigint => (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' ? BigInt(v) : 0n);
const optNum = (v: unknown): number | undefined => (v === undefined || v === null ? undefined : Number(v));
const int = (v: unknown): number | bigint => {
  const b = big(v);
  return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
};
const bytes = (v: unknown): Uint8Array =>
  typeof v === 'string' ? new Uint8Array(Buffer.from(v, 'base64')) : v instanceof Uint8Array ? Uint8Array.from(v) : new Uint8Array();
// Protobuf ids are bytes; OTLP/JSON ids are hex strings (base64 is accepted too, as plain proto3 JSON would send).
const hexId = (v: unknown): string =>
  typeof v === 'string' && /^([0-9a-fA-F]{2})*$/.test(v) ? v.toLowerCase() : Buffer.from(bytes(v)).toString('hex');
// proto3 JSON parsers accept the original snake_case field names as well as lowerCamelCase.
const camelKeys = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(camelKeys)
    : v !== null && typeof v === 'object'
      ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()), camelKeys(x)]))
      : v;

function anyValue(v: unknown): AttributeValue {
  const o = obj(v);
  if ('stringValue' in o) return str(o.stringValue);
  if ('boolValue' in o) return o.boolValue === true;
  if ('intValue' in o) return int(o.intValue);
  if ('doubleValue' in o) return Number(o.doubleValue);
  if ('bytesValue' in o) return bytes(o.bytesValue);
  if ('arrayValue' in o) return list(obj(o.arrayValue).values).map(anyValue);
  if ('kvlistValue' in o) return attributes(obj(o.kvlistValue).values);
  return null;
}
const attributes = (kvs: unknown): Attributes =>
  Object.fromEntries(list(kvs).map((kv) => [str(obj(kv).key), anyValue(obj(kv).value)]));
const scopeOf = (v: unknown): ReceivedScope => ({ name: str(obj(v).name), version: str(obj(v).version), attributes: attributes(obj(v).attributes) });

let cachedRoot: protobuf.Root | undefined;
function protoRoot(): protobuf.Root {
  if (cachedRoot) return cachedRoot;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  const isRepoRoot = (d: string): boolean => {
    try { return (JSON.parse(fs.readFileSync(path.join(d, 'package.json'), 'utf8')) as { name?: unknown }).name === 'beacon-otel'; } catch { return false; }
  };
  while (!isRepoRoot(dir)) {
    if (path.dirname(dir) === dir) throw new Error('otlp-receiver: no package.json named beacon-otel above ' + import.meta.url);
    dir = path.dirname(dir);
  }
  const protoDir = path.join(dir, 'test', 'proto');
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (path.isAbsolute(target) ? target : path.join(protoDir, target));
  root.loadSync(['trace', 'metrics', 'logs'].map((s) => `opentelemetry/proto/collector/${s}/v1/${s}_service.proto`));
  root.resolveAll();
  return (cachedRoot = root);
}
const SERVICES: Record<Signal, string> = { traces: 'trace.v1.ExportTrace', metrics: 'metrics.v1.ExportMetrics', logs: 'logs.v1.ExportLogs' };
const serviceType = (signal: Signal, kind: 'Request' | 'Response'): protobuf.Type =>
  protoRoot().lookupType(`opentelemetry.proto.collector.${SERVICES[signal]}Service${kind}`);
function enumOf(name: string, prefix: string): { toNumber(v: unknown): number; toName(n: number): string } {
  const e = protoRoot().lookupEnum(name);
  return {
    toNumber: (v) => (typeof v === 'string' && v in e.values ? (e.values[v] ?? 0) : num(v)),
    toName: (n) => (e.valuesById[n] ?? String(n)).replace(prefix, ''),
  };
}

function decodeBody(signal: Signal, encoding: 'protobuf' | 'json', body: Buffer): Loose {
  if (encoding === 'json') return obj(camelKeys(JSON.parse(body.toString('utf8'))));
  const type = serviceType(signal, 'Request');
  return type.toObject(type.decode(body), { longs: String, enums: Number }) as Loose;
}

function flatten(signal: Signal, request: Loose, out: { spans: ReceivedSpan[]; metrics: ReceivedMetricPoint[]; logs: ReceivedLog[] }): number {
  const before = out.spans.length + out.metrics.length + out.logs.length;
  const groups = (resourceKey: string, scopeKey: string, itemsKey: string, fn: (item: Loose, resource: Attributes, scope: ReceivedScope) => void): void => {
    for (const r of list(request[resourceKey])) {
      const resource = attributes(obj(obj(r).resource).attributes);
      for (const s of list(obj(r)[scopeKey])) for (const item of list(obj(s)[itemsKey])) fn(obj(item), resource, scopeOf(obj(s).scope));
    }
  };
  if (signal === 'traces') {
    const kinds = enumOf('opentelemetry.proto.trace.v1.Span.SpanKind', 'SPAN_KIND_');
    const codes = enumOf('opentelemetry.proto.trace.v1.Status.StatusCode', 'STATUS_CODE_');
    groups('resourceSpans', 'scopeSpans', 'spans', (s, resource, scope) => {
      const kind = kinds.toNumber(s.kind), code = codes.toNumber(obj(s.status).code);
      out.spans.push({
        traceId: hexId(s.traceId), spanId: hexId(s.spanId), parentSpanId: hexId(s.parentSpanId), traceState: str(s.traceState),
        flags: num(s.flags), name: str(s.name), kind, kindName: kinds.toName(kind),
        startTimeUnixNano: big(s.startTimeUnixNano), endTimeUnixNano: big(s.endTimeUnixNano), attributes: attributes(s.attributes),
        events: list(s.events).map(obj).map((e) => ({ name: str(e.name), timeUnixNano: big(e.timeUnixNano), attributes: attributes(e.attributes) })),
        links: list(s.links).map(obj).map((l) => ({
          traceId: hexId(l.traceId), spanId: hexId(l.spanId), traceState: str(l.traceState), flags: num(l.flags), attributes: attributes(l.attributes),
        })),
        status: { code, codeName: codes.toName(code), message: str(obj(s.status).message) },
        resource, scope,
      });
    });
  } else if (signal === 'metrics') {
    const temporality = enumOf('opentelemetry.proto.metrics.v1.AggregationTemporality', 'AGGREGATION_TEMPORALITY_');
    const types: MetricType[] = ['sum', 'gauge', 'histogram', 'exponentialHistogram', 'summary'];
    groups('resourceMetrics', 'scopeMetrics', 'metrics', (m, resource, scope) => {
      const type = types.find((t) => m[t] !== undefined);
      if (!type) return;
      const data = obj(m[type]);
      for (const p of list(data.dataPoints).map(obj)) {
        const point: ReceivedMetricPoint = {
          name: str(m.name), description: str(m.description), unit: str(m.unit), type,
          attributes: attributes(p.attributes), startTimeUnixNano: big(p.startTimeUnixNano), timeUnixNano: big(p.timeUnixNano), flags: num(p.flags),
          resource, scope,
        };
        if (data.aggregationTemporality !== undefined) point.aggregationTemporality = temporality.toName(temporality.toNumber(data.aggregationTemporality));
        if (type === 'sum') point.isMonotonic = data.isMonotonic === true;
        if (type === 'sum' || type === 'gauge') point.value = p.asDouble !== undefined ? Number(p.asDouble) : p.asInt !== undefined ? int(p.asInt) : undefined;
        else {
          Object.assign(point, { count: num(p.count), sum: optNum(p.sum), min: optNum(p.min), max: optNum(p.max) });
          if (type === 'histogram') Object.assign(point, { bucketCounts: list(p.bucketCounts).map(num), explicitBounds: list(p.explicitBounds).map(num) });
          const buckets = (b: unknown): ExponentialBuckets => ({ offset: num(obj(b).offset), bucketCounts: list(obj(b).bucketCounts).map(num) });
          if (type === 'exponentialHistogram') {
            Object.assign(point, { scale: num(p.scale), zeroCount: num(p.zeroCount), zeroThreshold: num(p.zeroThreshold), positive: buckets(p.positive), negative: buckets(p.negative) });
          }
          if (type === 'summary') point.quantileValues = list(p.quantileValues).map(obj).map((q) => ({ quantile: num(q.quantile), value: num(q.value) }));
        }
        out.metrics.push(point);
      }
    });
  } else {
    const severities = enumOf('opentelemetry.proto.logs.v1.SeverityNumber', 'SEVERITY_NUMBER_');
    groups('resourceLogs', 'scopeLogs', 'logRecords', (l, resource, scope) => {
      out.logs.push({
        timeUnixNano: big(l.timeUnixNano), observedTimeUnixNano: big(l.observedTimeUnixNano),
        severityNumber: severities.toNumber(l.severityNumber), severityText: str(l.severityText),
        body: l.body === undefined ? undefined : anyValue(l.body), attributes: attributes(l.attributes), eventName: str(l.eventName),
        traceId: hexId(l.traceId), spanId: hexId(l.spanId), flags: num(l.flags), resource, scope,
      });
    });
  }
  return out.spans.length + out.metrics.length + out.logs.length - before;
}

const SIGNAL_PATHS: Record<string, Signal> = { '/v1/traces': 'traces', '/v1/metrics': 'metrics', '/v1/logs': 'logs' };

/** A span's attributes as JSON (bigints as strings), e.g. to check that a value appears nowhere. */
export function attributesJson(span: ReceivedSpan): string {
  return JSON.stringify(span.attributes, (_, value: unknown) => (typeof value === 'bigint' ? String(value) : value));
}

/** A receiver that is closed when the test ends. */
export async function receiverFor(t: TestContext, options: OtlpReceiverOptions = {}, tls?: TlsIdentity): Promise<OtlpReceiver> {
  const receiver = await startOtlpReceiver(options, tls);
  t.after(() => receiver.close());
  return receiver;
}

/** A key and certificate: with one, the receiver speaks HTTPS (see tls.ts for a self-signed one). */
export interface TlsIdentity { key: string; cert: string }

export async function startOtlpReceiver(initialOptions: OtlpReceiverOptions = {}, tls?: TlsIdentity): Promise<OtlpReceiver> {
  protoRoot(); // fail fast if the vendored protos are missing
  let options = { ...initialOptions };
  const spans: ReceivedSpan[] = [], metrics: ReceivedMetricPoint[] = [], logs: ReceivedLog[] = [], requests: ReceivedRequest[] = [];
  const waiters = new Set<() => void>();
  const notify = (): void => { for (const check of [...waiters]) check(); };

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
    waitFor(predicate, { timeoutMs = 5000, description } = {}) {
      return new Promise<void>((resolve, reject) => {
        const finish = (error?: Error): void => { waiters.delete(check); clearTimeout(timer); if (error) reject(error); else resolve(); };
        const check = (): void => {
          try { if (predicate(receiver)) finish(); } catch (error) { finish(error as Error); }
        };
        const timer = setTimeout(() => {
          const statuses = requests.map((r) => `${r.path}→${r.statusCode}${r.error ? ` (${r.error})` : ''}`).join(', ');
          finish(new Error(`otlp-receiver: timed out after ${timeoutMs} ms waiting for ${description ?? predicate.toString()}; ` +
            `received spans=${spans.length} metrics=${metrics.length} logs=${logs.length} requests=${requests.length}${statuses ? ` [${statuses}]` : ''}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
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
