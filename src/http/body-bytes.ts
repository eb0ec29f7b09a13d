/**
 * Response body bytes as they leave, for every response — also the ones without a
 * Content-Length (streamed, chunked, compressed by middleware). Counting write()/end() are
 * put on the response when the request arrives, before the app's handlers run, so that
 * middleware wrapping them later (compression) hands these the bytes that go on the wire.
 * The functions are shared; each response carries one object: its count and the methods it had.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

const COUNTER = Symbol('beacon.bodyBytes');

type Method = (this: ServerResponse, chunk?: unknown, encoding?: unknown, callback?: unknown) => unknown;

interface Counter {
  bytes: number;
  readonly write: Method;
  readonly end: Method;
}

type Counted = ServerResponse & { [COUNTER]?: Counter };

export function countBodyBytes(response: ServerResponse): void {
  const counted = response as Counted;
  if (counted[COUNTER]) return;
  counted[COUNTER] = { bytes: 0, write: response.write as Method, end: response.end as Method };
  response.write = countingWrite as ServerResponse['write'];
  response.end = countingEnd as ServerResponse['end'];
}

function countingWrite(this: Counted, chunk?: unknown, encoding?: unknown, callback?: unknown): unknown {
  const counter = this[COUNTER]!;
  counter.bytes += byteLength(chunk, encoding);
  return counter.write.call(this, chunk, encoding, callback);
}

function countingEnd(this: Counted, chunk?: unknown, encoding?: unknown, callback?: unknown): unknown {
  const counter = this[COUNTER]!;
  counter.bytes += byteLength(chunk, encoding);
  return counter.end.call(this, chunk, encoding, callback);
}

function byteLength(chunk: unknown, encoding: unknown): number {
  if (typeof chunk === 'string') return Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  return chunk instanceof Uint8Array ? chunk.byteLength : 0; // Buffers are Uint8Arrays; a callback in first place counts 0
}

/** Body bytes sent so far; 0 where HTTP allows no body (HEAD, 1xx, 204, 304); undefined if not counted. */
export function bodyBytes(request: IncomingMessage, response: ServerResponse): number | undefined {
  const count = (response as Counted)[COUNTER]?.bytes;
  if (count === undefined) return undefined;
  const status = response.statusCode;
  return request.method === 'HEAD' || status < 200 || status === 204 || status === 304 ? 0 : count;
}
