/**
 * A response body as Buffers, encoded a slice of the app's time at a time. 10k histogram
 * series are ~17 MB of text: built as one string, then measured (`Buffer.byteLength` flattens
 * the rope) and encoded again by every response's `end()`, it blocked the app's event loop for
 * ~500 ms per scrape (cpu profile: byteLength and writeUtf8String ~320 ms of it). Encoded once
 * into 64 KiB Buffers with the loop let run every few milliseconds, it costs the app no pause
 * longer than a slice, and every response writes the same Buffers (a socket write of a
 * Buffer copies nothing).
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

export type Body =
  | { readonly chunks: readonly Buffer[]; readonly bytes: number }
  /** The body would pass the cap; it is at least `bytes` long (not all of it was written). */
  | { readonly overLimit: true; readonly bytes: number };

const CHUNK_BYTES = 64 * 1024;
/** Work done between two turns of the app's event loop. */
const SLICE_MS = 8;

/**
 * Each piece (one data point's lines, ~1.7 KB for a histogram) is written straight into a
 * 64 KiB Buffer, so no string larger than a piece is ever built or flattened. Stops as soon
 * as the body would pass `maxBytes`.
 */
export async function encodeInSlices(pieces: Iterable<string>, maxBytes: number): Promise<Body> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  let chunk = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  let used = 0;
  let sliceStart = performance.now();
  for (const piece of pieces) {
    const length = Buffer.byteLength(piece);
    if (used + length > chunk.length) {
      if (used > 0) chunks.push(chunk.subarray(0, used));
      if (bytes + length > maxBytes) return { overLimit: true, bytes: bytes + length };
      chunk = Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, length));
      used = 0;
      if (performance.now() - sliceStart >= SLICE_MS) {
        await nextTurn();
        sliceStart = performance.now();
      }
    }
    used += chunk.write(piece, used);
    bytes += length;
  }
  if (bytes > maxBytes) return { overLimit: true, bytes };
  if (used > 0) chunks.push(chunk.subarray(0, used));
  return { chunks, bytes };
}
