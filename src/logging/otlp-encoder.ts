/**
 * The OTLP log output's request bodies, made in a worker thread (otlp-encoder-worker.ts): a
 * log call only queues its line, and each batch's lines are parsed, made records and
 * serialised off the app's thread — on the app's thread that was ~2.8 µs a line in the call
 * (parse, record) and ~2.6 µs more at export (protobuf), more than pino's own work for the
 * line. The worker starts with the first batch, is released when the sender closes, and keeps
 * the process alive only while a batch is being encoded; a worker that fails or stops
 * answering fails the batches it holds (counted by the delivery accounts like any failed
 * export) and the next batch starts a new one.
 */
import { Worker } from 'node:worker_threads';
import type { Attributes } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { PayloadEncoder } from '../export/payload-encoder.js';
import type { LineKeys } from './formats.js';
import type { LogLine } from './otlp-record.js';

/** What the worker needs to know once: how lines are read, and the resource every record carries. */
export interface EncoderSetup {
  readonly keys: LineKeys;
  /** Fields that are not attributes. */
  readonly skip: readonly string[];
  /** OTLP/JSON (http/json); otherwise protobuf. */
  readonly json: boolean;
  readonly resource: { readonly attributes: Attributes; readonly schemaUrl?: string | undefined };
}

/**
 * One batch, packed: the lines as one string with their lengths, the span ids as one string
 * of fixed-width slots, numbers in typed arrays. Five values cross to the worker, not five
 * per line: cloning 512 lines and their ids one by one was ~0.5 µs a line on the app's thread.
 */
export interface EncodeRequest {
  readonly id: number;
  readonly lines: string;
  readonly lineLengths: Uint32Array<ArrayBuffer>;
  /** Per line, the trace id then the span id (IDS_WIDTH characters); spaces outside a span. */
  readonly ids: string;
  readonly traceFlags: Uint8Array<ArrayBuffer>;
  readonly observedMs: Float64Array<ArrayBuffer>;
}

/** A trace id (32 hex digits) and a span id (16). */
export const TRACE_ID_WIDTH = 32;
export const IDS_WIDTH = 48;
const NO_IDS = ' '.repeat(IDS_WIDTH);

export interface EncodeReply {
  readonly id: number;
  readonly body: Uint8Array | null;
}

/** A batch the worker has not answered in this long: the worker is stuck, and is replaced. */
const ENCODE_TIMEOUT_MS = 10_000;
const WORKER = new URL('./otlp-encoder-worker.js', import.meta.url);

interface Pending {
  readonly worker: Worker;
  readonly resolve: (body: Uint8Array | undefined) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export class LineEncoder implements PayloadEncoder<LogLine[]> {
  private starting: Promise<Worker> | null = null;
  private current: Worker | null = null;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();

  /** @param setup called when a worker starts (the resource's detectors may still be settling before that) */
  constructor(private readonly setup: () => Promise<EncoderSetup>) {}

  async serializeRequest(batch: LogLine[]): Promise<Uint8Array | undefined> {
    const worker = await (this.starting ??= this.start());
    const request = requestOf(this.nextId++, batch);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.stop(worker, new Error(`the log encoder thread did not answer within ${ENCODE_TIMEOUT_MS / 1000} s`)), ENCODE_TIMEOUT_MS);
      timer.unref();
      this.pending.set(request.id, { worker, resolve, reject, timer });
      worker.ref(); // a batch under way keeps the process up (a shutdown flush waits for it)
      worker.postMessage(request, [request.lineLengths.buffer, request.traceFlags.buffer, request.observedMs.buffer]);
    });
  }

  async close(): Promise<void> {
    const worker = await this.starting?.catch(() => null);
    if (worker) this.stop(worker, new Error('the log encoder was closed'));
  }

  private async start(): Promise<Worker> {
    try {
      // No --import of the app's: Beacon (and its hooks) stay out of the thread.
      const worker = new Worker(WORKER, { workerData: await this.setup(), execArgv: [] });
      worker.unref();
      worker.on('message', (reply: EncodeReply) => this.settle(reply));
      worker.on('error', (error) => this.stop(worker, error));
      worker.on('exit', (code) => this.stop(worker, new Error(`the log encoder thread exited (code ${code})`)));
      this.current = worker;
      return worker;
    } catch (error) {
      this.starting = null;
      throw error;
    }
  }

  private settle({ id, body }: EncodeReply): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    if (this.pending.size === 0) pending.worker.unref(); // a stopped worker's batches are gone from here: all are the current one's
    pending.resolve(body ?? undefined);
  }

  /** Ends `worker`, failing the batches it holds; the next batch starts a new one. */
  private stop(worker: Worker, error: Error): void {
    if (this.current === worker) {
      this.current = null;
      this.starting = null;
    }
    for (const [id, pending] of this.pending) {
      if (pending.worker !== worker) continue;
      this.pending.delete(id);
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    worker.unref();
    void worker.terminate();
  }
}

function requestOf(id: number, batch: LogLine[]): EncodeRequest {
  const count = batch.length;
  const lineLengths = new Uint32Array(count);
  const traceFlags = new Uint8Array(count);
  const observedMs = new Float64Array(count);
  let lines = '';
  let ids = '';
  for (let i = 0; i < count; i++) {
    const { line, spanContext, observedMs: observed } = batch[i]!;
    lines += line;
    lineLengths[i] = line.length;
    ids += spanContext ? spanContext.traceId + spanContext.spanId : NO_IDS;
    traceFlags[i] = spanContext?.traceFlags ?? 0;
    observedMs[i] = observed;
  }
  return { id, lines, lineLengths, ids, traceFlags, observedMs };
}

/** The worker's setup for `resource`, once its detectors have settled. */
export async function encoderSetup(keys: LineKeys, skip: readonly string[], json: boolean, resource: Resource): Promise<EncoderSetup> {
  await resource.waitForAsyncAttributes?.();
  return { keys, skip, json, resource: { attributes: resource.attributes, schemaUrl: resource.schemaUrl } };
}
