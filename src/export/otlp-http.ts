/**
 * OTLP/HTTP for span and log record batches. Upstream's exporter transport retries on
 * timers nobody can cancel (with a refused collector, a finished process waited 8 s for
 * them) and its requests outlive an export that timed out (a 1 byte/s collector collected
 * one open socket per batch). Here every request and every wait between retries belongs to
 * the export it serves (export-scope.ts): when the export ends they end. Everything else —
 * URL, headers, TLS files and compression from the OTEL_EXPORTER_OTLP_* variables — is
 * upstream's, merged by its public convertLegacyHttpOptions, and means what it meant before.
 * The payload code is imported on the first export, not at start-up (~60 ms).
 */
import type { Agent, ClientRequest, IncomingHttpHeaders, IncomingMessage, RequestOptions } from 'node:http';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { ExportResult } from '@opentelemetry/core';
import { BEACON_VERSION } from '../version.js';
import type { BatchExporter } from './deadline-exporter.js';
import { ExportRejectedError } from './export-accounting.js';
import { type Attempt, failed, withRetries } from './export-retries.js';
import { ScopedSender } from './scoped-sender.js';
import type { OtlpTarget } from './otlp-target.js';
import type { PayloadEncoder } from './payload-encoder.js';
import { parseRetryAfter } from './retry-after.js';

/** An OTLP answer is a few bytes; past this the response is cut off (its status still counts). */
const MAX_RESPONSE_BYTES = 64 * 1024;
/** How much of a rejecting backend's body an error message quotes (characters; bytes read for it). */
const QUOTED_BODY_CHARS = 120;
const QUOTED_BODY_BYTES = 4 * QUOTED_BODY_CHARS;
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const RETRYABLE_NETWORK_ERRORS = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'ENETUNREACH', 'EHOSTUNREACH']);

export type OtlpItemKind = 'span' | 'log';

interface Sender<Item> {
  serializer: PayloadEncoder<Item[]>;
  url: URL;
  agent: Agent;
  request: (url: URL, options: RequestOptions, onResponse: (response: IncomingMessage) => void) => ClientRequest;
  headers: Record<string, string>;
  gzip: boolean;
}

export class OtlpHttpExporter<Item> extends ScopedSender<Item[], Sender<Item>> implements BatchExporter<Item> {
  /** @param encoder makes the request bodies; without one, upstream's serializer for `what` and the protocol */
  constructor(
    private readonly what: OtlpItemKind,
    private readonly target: OtlpTarget,
    private readonly encoder?: PayloadEncoder<Item[]>,
  ) {
    super(target.timeoutMs);
  }

  protected open(): Promise<Sender<Item>> {
    return loadSender<Item>(this.what, this.target, this.encoder);
  }

  protected async close(sender: Sender<Item>): Promise<void> {
    // Keep-alive sockets would otherwise linger (unref'd) until the backend closes them.
    sender.agent.destroy();
    await sender.serializer.close?.();
  }

  protected async send(items: Item[], signal: AbortSignal): Promise<ExportResult> {
    const sender = await this.connection();
    const serialized = await sender.serializer.serializeRequest(items);
    if (!serialized) return failed(new Error(`${this.what} batch could not be serialised`));
    const body = sender.gzip ? await promisify(gzip)(serialized) : serialized;
    return withRetries(() => post(sender, body, signal, this.what), this.target.timeoutMs, signal);
  }
}

const SIGNALS = { span: ['TRACES', 'v1/traces'], log: ['LOGS', 'v1/logs'] } as const;

async function loadSender<Item>(what: OtlpItemKind, target: OtlpTarget, encoder: PayloadEncoder<Item[]> | undefined): Promise<Sender<Item>> {
  const json = target.protocol === 'http/json';
  const [{ convertLegacyHttpOptions }, serializer] = await Promise.all([
    import('../otel/otlp-exporter-base-node-http.cjs'),
    encoder ?? upstreamSerializer<Item>(what, json),
  ]);
  const [signal, path] = SIGNALS[what];
  const settings = convertLegacyHttpOptions(
    { url: target.endpoint, headers: { ...target.headers }, timeoutMillis: target.timeoutMs },
    signal,
    path,
    { 'Content-Type': json ? 'application/json' : 'application/x-protobuf' },
  );
  const url = new URL(settings.url);
  const [agent, { request }, headers] = await Promise.all([
    settings.agentFactory(url.protocol),
    url.protocol === 'https:' ? import('node:https') : import('node:http'),
    settings.headers(),
  ]);
  return {
    serializer,
    url,
    agent,
    request,
    headers: { ...headers, 'User-Agent': `beacon-otel/${BEACON_VERSION}`, ...(settings.compression === 'gzip' ? { 'Content-Encoding': 'gzip' } : {}) },
    gzip: settings.compression === 'gzip',
  };
}

async function upstreamSerializer<Item>(what: OtlpItemKind, json: boolean): Promise<PayloadEncoder<Item[]>> {
  const transformer = await import('../otel/otlp-transformer.cjs');
  const serializer = what === 'span'
    ? (json ? transformer.JsonTraceSerializer : transformer.ProtobufTraceSerializer)
    : (json ? transformer.JsonLogsSerializer : transformer.ProtobufLogsSerializer);
  return serializer as PayloadEncoder<Item[]>;
}

/** One request; resolves (never rejects) with what it means for the export. */
function post<Item>(sender: Sender<Item>, body: Uint8Array, signal: AbortSignal, what: OtlpItemKind): Promise<Attempt> {
  return new Promise((resolve) => {
    // `signal` destroys the request, whatever state it is in, when the export ends.
    const request = sender.request(sender.url, { method: 'POST', headers: sender.headers, agent: sender.agent, signal }, (response) => {
      let received = 0;
      const quoted: Buffer[] = [];
      const answer = () =>
        resolve(signal.aborted ? { kind: 'failure', error: signal.reason as Error } : outcome(response.statusCode ?? 0, response.headers, Buffer.concat(quoted), what));
      response.on('data', (chunk: Buffer) => {
        if (received < QUOTED_BODY_BYTES) quoted.push(chunk.subarray(0, QUOTED_BODY_BYTES - received));
        received += chunk.length;
        if (received > MAX_RESPONSE_BYTES) {
          response.destroy();
          answer();
        }
      });
      response.on('end', answer);
      response.on('error', answer);
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (signal.aborted) resolve({ kind: 'failure', error: signal.reason as Error });
      else if (RETRYABLE_NETWORK_ERRORS.has(error.code ?? '')) resolve({ kind: 'retryable', error, retryAfterMs: null });
      else resolve({ kind: 'failure', error });
    });
    request.end(body);
  });
}

function outcome(status: number, headers: IncomingHttpHeaders, body: Buffer, what: OtlpItemKind): Attempt {
  if (status >= 200 && status < 300) return { kind: 'success' };
  if (RETRYABLE_STATUS.has(status)) {
    return { kind: 'retryable', error: new ExportRejectedError(`${what} export: HTTP ${status}`, status), retryAfterMs: parseRetryAfter(headers['retry-after'], Date.now()) };
  }
  // A backend's error page may be large, or echo what it was sent: quote only its start.
  const text = body.toString('utf8').replace(/\s+/g, ' ').trim();
  const quote = text.length > QUOTED_BODY_CHARS ? `${text.slice(0, QUOTED_BODY_CHARS)}…` : text;
  return { kind: 'failure', error: new ExportRejectedError(`${what} export rejected: HTTP ${status}${quote ? ` (${quote})` : ''}`, status, quote || null) };
}
