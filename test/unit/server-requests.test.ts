/**
 * The request watchers' hub (src/http/server-requests.ts): every request reaches each watcher
 * once, with the request's context, and its body bytes are counted from the start — on a
 * server behind Beacon's server path (which hands requests over itself: no listener in front of
 * the app's), on a plain server (found through Node's diagnostics channel), and on a server
 * first seen without the path and given it later.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { type RequestListener, type Server, createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { type Context, TraceFlags, context, createContextKey, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { HttpInstrumentation as HttpInstrumentationClass } from '@opentelemetry/instrumentation-http';
import { AlwaysOnSampler, TracerProvider } from '@opentelemetry/sdk-trace';
import { bodyBytes } from '../../src/http/body-bytes.js';
import { watchServerRequests } from '../../src/http/server-requests.js';
import { useLightServerPath } from '../../src/instrumentations/http-server.js';
import { BeaconContextManager } from '../../src/tracing/context-manager.js';
import { call } from '../helpers/http.js';

const { HttpInstrumentation } = createRequire(import.meta.url)('@opentelemetry/instrumentation-http') as { HttpInstrumentation: typeof HttpInstrumentationClass };
type Patchable = { _getPatchIncomingRequestFunction(component: 'http'): (emit: Server['emit']) => Server['emit'] };

context.setGlobalContextManager(new BeaconContextManager());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());

const BODY = 'x'.repeat(1234);
const MARK = createContextKey('test.emitContext');

interface Seen {
  url: string;
  /** The context the watcher was given. */
  given: Context;
  /** The context the app's listener ran in. */
  app?: Context;
  bytes?: number;
}

const seen: Seen[] = [];
const stopWatching = watchServerRequests<Seen>({
  start(request, _response, given) {
    const entry: Seen = { url: request.url ?? '', given };
    seen.push(entry);
    return entry;
  },
  done(entry, response) {
    entry.bytes = bodyBytes(response.req, response);
  },
});
after(stopWatching);

/** The app: answers in two writes, and notes the context it runs in. */
const app: RequestListener = (request, response) => {
  const entry = seen.find((s) => s.url === request.url && s.app === undefined);
  if (entry) entry.app = context.active();
  response.write(BODY.slice(0, 1000));
  response.end(BODY.slice(1000));
};

/** Beacon's server path in place of `server`'s emit, as the http instrumentation puts it there. */
function behindBeaconsPath(server: Server): void {
  const provider = new TracerProvider({ sampler: new AlwaysOnSampler() });
  const instrumentation = new HttpInstrumentation({ enabled: false });
  instrumentation.setTracerProvider(provider);
  useLightServerPath(instrumentation, { attributesAtStart: false, recordDuration: null });
  server.emit = (instrumentation as unknown as Patchable)._getPatchIncomingRequestFunction('http')(server.emit);
}

async function listening(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Sends `paths` one after another; the watchers' entries for them once every response is done. */
async function send(base: string, paths: string[]): Promise<Seen[]> {
  for (const path of paths) assert.equal((await call(`${base}${path}`)).status, 200);
  const entries = () => seen.filter((s) => paths.includes(s.url));
  for (let waited = 0; waited < 2000 && entries().some((s) => s.bytes === undefined); waited += 10) await new Promise((r) => setTimeout(r, 10));
  return entries();
}

test("behind Beacon's server path: each request once, in its span's context, no listener in front of the app's", async () => {
  const server = createServer(app);
  behindBeaconsPath(server);
  const base = await listening(server);
  const entries = await send(base, ['/path/1', '/path/2', '/path/3']);
  assert.deepEqual(
    entries.map((s) => s.url),
    ['/path/1', '/path/2', '/path/3'],
  );
  for (const entry of entries) {
    const span = trace.getSpan(entry.given);
    assert.equal(span?.spanContext().traceFlags, TraceFlags.SAMPLED, `${entry.url}: the watcher is given the request's span context`);
    assert.equal(span, trace.getSpan(entry.app!), `${entry.url}: the same span as the app's`);
    assert.equal(entry.bytes, BODY.length, `${entry.url}: both writes counted`);
  }
  assert.deepEqual(server.listeners('request'), [app]);
});

test('a plain server: found through the channel, each request once, in the context its emit set up', async () => {
  const server = createServer(app);
  const emit = server.emit;
  server.emit = function (this: Server, ...args: Parameters<Server['emit']>) {
    return context.with(context.active().setValue(MARK, args[1]), emit, this, ...args);
  } as Server['emit'];
  const base = await listening(server);
  const entries = await send(base, ['/plain/1', '/plain/2']);
  assert.deepEqual(
    entries.map((s) => s.url),
    ['/plain/1', '/plain/2'],
  );
  for (const entry of entries) {
    assert.equal((entry.given.getValue(MARK) as { url: string }).url, entry.url, 'the context of its own emit');
    assert.equal(entry.bytes, BODY.length);
  }
  assert.equal(server.listeners('request').length, 2, "one listener in front of the app's");
});

test('a server first seen without the path and given it later: still once per request', async () => {
  const server = createServer(app);
  const base = await listening(server);
  await send(base, ['/later/1']);
  behindBeaconsPath(server);
  const entries = await send(base, ['/later/2', '/later/3']);
  assert.deepEqual(
    entries.map((s) => s.url),
    ['/later/2', '/later/3'],
  );
  for (const entry of entries) assert.equal(trace.getSpan(entry.given)?.spanContext().traceFlags, TraceFlags.SAMPLED, "dispatched by the path, in the span's context");
});
