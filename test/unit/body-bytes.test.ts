// Response body bytes counted at write()/end(), against what a real client receives: with and
// without Content-Length, strings in several encodings, Buffers, a piped stream, middleware
// that compresses on top, and the responses HTTP gives no body.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { type IncomingMessage, type ServerResponse, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { bodyBytes, countBodyBytes } from '../../src/http/body-bytes.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Serves one request with `handler` (counting installed first, as Beacon does); returns the count and the bytes the client got. */
async function exchange(handler: Handler, method = 'GET'): Promise<{ counted: number | undefined; received: number }> {
  let counted: number | undefined;
  const server = createServer((req, res) => {
    countBodyBytes(res);
    res.once('close', () => (counted = bodyBytes(req, res)));
    handler(req, res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const response = await new Promise<IncomingMessage>((resolve, reject) =>
      request({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, method, headers: { connection: 'close' } }, resolve).on('error', reject).end(),
    );
    let received = 0;
    for await (const chunk of response) received += (chunk as Buffer).length; // chunked framing already removed: body bytes
    await new Promise((resolve) => setImmediate(resolve)); // let 'close' reach the server's listener
    return { counted, received };
  } finally {
    server.close();
  }
}

test('counts what the client receives, with or without Content-Length', async () => {
  const cases: [string, Handler][] = [
    ['end(string) with Content-Length', (_req, res) => res.setHeader('content-length', Buffer.byteLength('héllo')).end('héllo')],
    ['end(string) without', (_req, res) => res.end('héllo wörld')],
    ['write(Buffer) + write(string, latin1) + end()', (_req, res) => { res.write(Buffer.alloc(1000, 1)); res.write('ab\u00e9', 'latin1'); res.end(); }],
    ['write(hex string, callback)', (_req, res) => { res.write('deadbeef', 'hex', () => undefined); res.end(() => undefined); }],
    ['piped stream', (_req, res) => Readable.from([Buffer.alloc(70_000, 2), 'tail']).pipe(res)],
    ['end(Uint8Array)', (_req, res) => res.end(new Uint8Array(300))],
  ];
  for (const [name, handler] of cases) {
    const { counted, received } = await exchange(handler);
    assert.ok(received > 0, name);
    assert.equal(counted, received, name);
  }
});

test('middleware that compresses on top hands the counter the bytes on the wire', async () => {
  const body = 'x'.repeat(10_000);
  const { counted, received } = await exchange((_req, res) => {
    // What compression middleware does: wraps write/end after the request arrived.
    const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
    res.end = ((chunk?: unknown) => end(typeof chunk === 'string' ? gzipSync(chunk) : chunk)) as ServerResponse['end'];
    res.setHeader('content-encoding', 'gzip');
    res.end(body);
  });
  assert.ok(received < body.length / 10, `compressed: ${received}`);
  assert.equal(counted, received);
});

test('no body where HTTP allows none: HEAD, 204, 304', async () => {
  assert.equal((await exchange((_req, res) => res.end('ignored for HEAD'), 'HEAD')).counted, 0);
  assert.equal((await exchange((_req, res) => res.writeHead(204).end())).counted, 0);
  assert.equal((await exchange((_req, res) => res.writeHead(304).end())).counted, 0);
});

test('a response that was never counted reports undefined, not 0', async () => {
  let reported: number | undefined = -1;
  const server = createServer((req, res) => {
    res.end('uncounted');
    reported = bodyBytes(req, res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  await new Promise((resolve) => request({ host: '127.0.0.1', port: (server.address() as AddressInfo).port }, (res) => res.resume().on('end', resolve)).end());
  server.close();
  assert.equal(reported, undefined);
});
