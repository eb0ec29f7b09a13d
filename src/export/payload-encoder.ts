/**
 * How a batch becomes an OTLP request body. Upstream's serializers answer at once; the OTLP
 * log output's encoder answers from a worker thread (logging/otlp-encoder.ts), so its senders
 * wait for the body either way.
 */
export interface PayloadEncoder<Batch> {
  serializeRequest(batch: Batch): Uint8Array | undefined | Promise<Uint8Array | undefined>;
  /** Releases what it holds, when its sender closes. */
  close?(): Promise<void>;
}
