// OTLP requests decoded and flattened into spans, metric points and log records to assert on,
// for both test receivers (otlp-receiver.ts: HTTP, grpc-receiver.ts: gRPC).
import { createRequire } from 'node:module';

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

/** Where a receiver puts what it decoded. */
export interface Received { spans: ReceivedSpan[]; metrics: ReceivedMetricPoint[]; logs: ReceivedLog[] }
/** What both receivers show of what they were sent. */
export interface ReceiverItems {
  readonly url: string;
  readonly spans: readonly ReceivedSpan[];
  readonly metrics: readonly ReceivedMetricPoint[];
  readonly logs: readonly ReceivedLog[];
}

export type Loose = Record<string, unknown>;
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

// The OTLP messages as protobufjs generated them for @opentelemetry/otlp-transformer 0.214 (its
// last release to ship them), installed under the alias otlp-definitions: decoding uses the
// protocol's own definitions, independently of the serializer Beacon's exporters use.
interface MessageType {
  decode(bytes: Uint8Array): unknown;
  encode(message: object): { finish(): Uint8Array };
  toObject(message: unknown, options: object): Loose;
}
type EnumValues = Record<string, number>;
interface OtlpRoot {
  collector: Record<'trace' | 'metrics' | 'logs', { v1: Record<string, MessageType> }>;
  trace: { v1: { Span: { SpanKind: EnumValues }; Status: { StatusCode: EnumValues } } };
  metrics: { v1: { AggregationTemporality: EnumValues } };
  logs: { v1: { SeverityNumber: EnumValues } };
}
const otlp = (createRequire(import.meta.url)('otlp-definitions/build/src/generated/root.js') as { opentelemetry: { proto: OtlpRoot } }).opentelemetry.proto;

const SERVICES = { traces: ['trace', 'ExportTrace'], metrics: ['metrics', 'ExportMetrics'], logs: ['logs', 'ExportLogs'] } as const;
/** The Export request or response message of a signal's collector service. */
export const serviceType = (signal: Signal, kind: 'Request' | 'Response'): MessageType =>
  otlp.collector[SERVICES[signal][0]].v1[`${SERVICES[signal][1]}Service${kind}`]!;
function enumOf(values: EnumValues, prefix: string): { toNumber(v: unknown): number; toName(n: number): string } {
  const names = new Map(Object.entries(values).map(([name, id]) => [id, name]));
  return {
    toNumber: (v) => (typeof v === 'string' && Object.hasOwn(values, v) ? values[v]! : num(v)),
    toName: (n) => (names.get(n) ?? String(n)).replace(prefix, ''),
  };
}

/** An Export request, as sent over OTLP/HTTP (protobuf or JSON) or gRPC (protobuf). */
export function decodeBody(signal: Signal, encoding: 'protobuf' | 'json', body: Buffer): Loose {
  if (encoding === 'json') return obj(camelKeys(JSON.parse(body.toString('utf8'))));
  const type = serviceType(signal, 'Request');
  return type.toObject(type.decode(body), { longs: String, enums: Number }) as Loose;
}

/** Adds the request's spans, metric points or log records to `out`; returns how many. */
export function flatten(signal: Signal, request: Loose, out: Received): number {
  const before = out.spans.length + out.metrics.length + out.logs.length;
  const groups = (resourceKey: string, scopeKey: string, itemsKey: string, fn: (item: Loose, resource: Attributes, scope: ReceivedScope) => void): void => {
    for (const r of list(request[resourceKey])) {
      const resource = attributes(obj(obj(r).resource).attributes);
      for (const s of list(obj(r)[scopeKey])) for (const item of list(obj(s)[itemsKey])) fn(obj(item), resource, scopeOf(obj(s).scope));
    }
  };
  if (signal === 'traces') {
    const kinds = enumOf(otlp.trace.v1.Span.SpanKind, 'SPAN_KIND_');
    const codes = enumOf(otlp.trace.v1.Status.StatusCode, 'STATUS_CODE_');
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
    const temporality = enumOf(otlp.metrics.v1.AggregationTemporality, 'AGGREGATION_TEMPORALITY_');
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
    const severities = enumOf(otlp.logs.v1.SeverityNumber, 'SEVERITY_NUMBER_');
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

/** A span's attributes as JSON (bigints as strings), e.g. to check that a value appears nowhere. */
export function attributesJson(span: ReceivedSpan): string {
  return JSON.stringify(span.attributes, (_, value: unknown) => (typeof value === 'bigint' ? String(value) : value));
}


/** The waitFor of both receivers: checks `predicate` whenever the receiver `notify()`s, until it holds or time runs out. */
export function waiters<Receiver>(receiver: () => Receiver, received: () => string) {
  const checks = new Set<() => void>();
  return {
    notify(): void {
      for (const check of [...checks]) check();
    },
    waitFor(predicate: (receiver: Receiver) => boolean, { timeoutMs = 5000, description }: { timeoutMs?: number; description?: string } = {}): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        const finish = (error?: Error): void => { checks.delete(check); clearTimeout(timer); if (error) reject(error); else resolve(); };
        const check = (): void => {
          try { if (predicate(receiver())) finish(); } catch (error) { finish(error as Error); }
        };
        const timer = setTimeout(() => {
          finish(new Error(`otlp receiver: timed out after ${timeoutMs} ms waiting for ${description ?? predicate.toString()}; received ${received()}`));
        }, timeoutMs);
        checks.add(check);
        check();
      });
    },
  };
}
