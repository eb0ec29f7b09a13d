/**
 * A response body as Buffers, encoded a slice of the app's time at a time. 10k histogram
 * series are ~17 MB of text: built as one string, then measured (`Buffer.byteLength` flattens
 * the rope) and encoded again by every response's `end()`, it blocked the app's event loop for
 * ~500 ms per scrape. Encoded once into 64 KiB Buffers with the loop let run every few
 * milliseconds, it costs the app no pause longer than a slice, and every response writes
 * the same Buffers (a socket write of a Buffer copies nothing).
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

export type Body =
  | { readonly chunks: readonly Buffer[]; readonly bytes: number }
  /** The body passed the cap; `bytes` is how far encoding got before it stopped. */
  | { readonly overLimit: true; readonly bytes: number };

const CHUNK_CHARS = 64 * 1024;
/** Work done between two turns of the app's event loop. */
const SLICE_MS = 8;

export async function encodeInSlices(pieces: Iterable<string>, maxBytes: number): Promise<Body> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  let text = '';
  let sliceStart = performance.now();
  const flush = (): boolean => {
    const chunk = Buffer.from(text);
    text = '';
    bytes += chunk.length;
    chunks.push(chunk);
    return bytes <= maxBytes;
  };
  for (const piece of pieces) {
    text += piece;
    if (text.length < CHUNK_CHARS) continue;
    if (!flush()) return { overLimit: true, bytes };
    if (performance.now() - sliceStart >= SLICE_MS) {
      await nextTurn();
      sliceStart = performance.now();
    }
  }
  if (text && !flush()) return { overLimit: true, bytes };
  return { chunks, bytes };
}
