/**
 * End to end: a real express app under `node --import ./dist/register.js`, a real OTLP
 * receiver decoding the protobuf the app sends.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { fixture, startApp } from './helpers/app.js';
import { get, load } from './helpers/http.js';
import { type ReceivedSpan, receiverFor } from './helpers/otlp-receiver.js';

const FAST_EXPORT = { OTEL_BSP_SCHEDULE_DELAY: '100' };

/** Two-sided binomial interval by the normal approximation (n·p ≫ 10 here). */
function binomialInterval(n: number, p: number, z = 3.29): [number, number] {
  const sd = Math.sqrt(n * p * (1 - p));
  return [n * p - z * sd, n * p + z * sd];
}

function byTrace(spans: readonly ReceivedSpan[]): Map<string, ReceivedSpan[]> {
  const traces = new Map<string, ReceivedSpan[]>();
  for (const span of spans) traces.set(span.traceId, [...(traces.get(span.traceId) ?? []), span]);
  return traces;
}

test('sampler 0.1: the share of kept traces is binomial around 10 %, and every kept trace is complete', async (t) => {
  const receiver = await receiverFor(t);
  const app = await startApp(t, fixture('express-app.cjs'), {
    receiver,
    env: FAST_EXPORT,
    config: { service: { name: 'sampling-e2e' }, tracing: { sampler: 0.1 } },
  });

  const responses = await load(2000, 16, (i) => get(`${app.url}/users/${i}`));
  assert.ok(responses.every((response) => response.status === 200));
  await app.stop();

  const traces = byTrace(receiver.spans);
  const [low, high] = binomialInterval(2000, 0.1);
  assert.ok(traces.size >= low && traces.size <= high, `${traces.size} traces kept, expected ${low.toFixed(0)}..${high.toFixed(0)}`);

  for (const [traceId, spans] of traces) {
    const roots = spans.filter((span) => span.parentSpanId === '');
    assert.equal(roots.length, 1, `trace ${traceId} has ${roots.length} roots`);
    const root = roots[0]!;
    assert.equal(root.kindName, 'SERVER');
    assert.equal(root.attributes['http.route'], '/users/:id');
    assert.equal(root.resource['service.name'], 'sampling-e2e');
    const ids = new Set(spans.map((span) => span.spanId));
    for (const span of spans) if (span !== root) assert.ok(ids.has(span.parentSpanId), `orphan span ${span.name} in ${traceId}`);
    assert.ok(spans.some((span) => span.scope.name.endsWith('instrumentation-express')), `trace ${traceId} lacks its route spans`);
    // express 5 routes through the router package; its instrumentation would trace every layer again.
    assert.deepEqual(spans.filter((span) => span.scope.name.endsWith('instrumentation-router')).map((span) => span.name), [], `trace ${traceId} has router spans`);
  }
});

test('with a sampled traceparent every request is kept and continues the caller\'s trace', async (t) => {
  const receiver = await receiverFor(t);
  const app = await startApp(t, fixture('express-app.cjs'), {
    receiver,
    env: FAST_EXPORT,
    config: { tracing: { sampler: 0.1 } },
  });

  const callers = Array.from({ length: 200 }, () => ({ traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex') }));
  await load(callers.length, 8, (i) => get(`${app.url}/users/${i}`, { traceparent: `00-${callers[i]!.traceId}-${callers[i]!.spanId}-01` }));
  await app.stop();

  const servers = receiver.spans.filter((span) => span.kindName === 'SERVER');
  assert.equal(servers.length, callers.length);
  const byTraceId = new Map(servers.map((span) => [span.traceId, span]));
  for (const caller of callers) {
    const span = byTraceId.get(caller.traceId);
    assert.ok(span, `no server span continued trace ${caller.traceId}`);
    assert.equal(span.parentSpanId, caller.spanId);
  }
});

test('sampler rules see the request: a path rule decides per request on the server span\'s attributes', async (t) => {
  const receiver = await receiverFor(t);
  const app = await startApp(t, fixture('express-app.cjs'), {
    receiver,
    env: FAST_EXPORT,
    config: {
      tracing: {
        sampler: {
          ratio: 0,
          rules: [{ path: '/checkout/*', method: 'GET', ratio: 1 }],
        },
      },
    },
  });
  await load(20, 4, (i) => get(`${app.url}/${i % 2 ? 'checkout' : 'users'}/${i}?from=test`));
  await app.stop();

  // Only the rule's path is kept (the ratio is 0 otherwise), its span complete with the attributes the rule read.
  const servers = receiver.spans.filter((span) => span.kindName === 'SERVER');
  assert.equal(servers.length, 10);
  for (const span of servers) {
    assert.match(String(span.attributes['url.path']), /^\/checkout\/\d+$/);
    assert.equal(span.attributes['http.route'], '/checkout/:step');
    assert.equal(span.attributes['url.query'], 'from=test');
  }
});

test('outgoing requests are traced as client spans in the same trace; health checks are not traced', async (t) => {
  const receiver = await receiverFor(t);
  const app = await startApp(t, fixture('express-app.cjs'), {
    receiver,
    env: FAST_EXPORT,
  });
  await get(`${app.url}/health`);
  await get(`${app.url}/outgoing`);
  await receiver.waitFor((r) => r.spans.filter((span) => span.kindName === 'SERVER').length >= 2, { timeoutMs: 10_000 });

  assert.equal(receiver.spans.filter((span) => span.attributes['url.path'] === '/health').length, 0);
  const outer = receiver.spans.find((span) => span.kindName === 'SERVER' && span.attributes['http.route'] === '/outgoing');
  assert.ok(outer);
  const client = receiver.spans.find((span) => span.kindName === 'CLIENT');
  assert.ok(client, 'no client span');
  assert.equal(client.traceId, outer.traceId);
  const downstream = receiver.spans.find((span) => span.kindName === 'SERVER' && span.attributes['http.route'] === '/users/:id');
  assert.ok(downstream);
  assert.equal(downstream.traceId, outer.traceId, 'traceparent was not propagated to the downstream call');
  assert.equal(downstream.parentSpanId, client.spanId);
});

test('Server-Timing carries the traceparent of the response\'s trace when enabled', async (t) => {
  const receiver = await receiverFor(t);
  const app = await startApp(t, fixture('express-app.cjs'), {
    receiver,
    env: FAST_EXPORT,
    config: { tracing: { serverTiming: true } },
  });
  const response = await get(`${app.url}/users/7`);
  const match = /^traceparent;desc="00-([0-9a-f]{32})-([0-9a-f]{16})-01"$/.exec(String(response.headers['server-timing']));
  assert.ok(match, `Server-Timing: ${response.headers['server-timing']}`);
  await receiver.waitFor((r) => r.spans.some((span) => span.spanId === match[2]), { timeoutMs: 10_000 });
  assert.equal(receiver.spans.find((span) => span.spanId === match[2])!.traceId, match[1]);
});

test('express layers of unsampled requests start no spans; sampled requests keep every layer span', async (t) => {
  const receiver = await receiverFor(t);
  const app = await startApp(t, fixture('express-active-span.cjs'), {
    receiver,
    env: FAST_EXPORT,
    config: { tracing: { serverTiming: true } },
  });
  const serverSpanId = (response: { headers: Record<string, unknown> }) => /-([0-9a-f]{16})-0[01]"$/.exec(String(response.headers['server-timing']))![1];
  const caller = (flags: string) => `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-${flags}`;

  // Not sampled by the caller: the handler runs in the request's own (non-recording) span.
  const unsampled = await get(`${app.url}/orders/1`, { traceparent: caller('00') });
  const seen = JSON.parse(unsampled.body) as { spanId: string; recording: boolean };
  assert.deepEqual(seen, { spanId: serverSpanId(unsampled), recording: false });

  // Sampled: the handler runs in its own express span; both layers are children of the server span.
  const sampled = await get(`${app.url}/orders/2`, { traceparent: caller('01') });
  const handler = JSON.parse(sampled.body) as { spanId: string; recording: boolean };
  assert.equal(handler.recording, true);
  await receiver.waitFor((r) => r.spans.some((span) => span.spanId === handler.spanId), { timeoutMs: 10_000 });
  await app.stop();
  const server = receiver.spans.find((span) => span.spanId === serverSpanId(sampled))!;
  assert.equal(server.attributes['http.route'], '/orders/:id');
  const express = receiver.spans.filter((span) => span.scope.name.endsWith('instrumentation-express'));
  assert.deepEqual(express.map((span) => [span.name, span.parentSpanId]).sort(), [
    ['middleware - jsonParser', server.spanId],
    ['request handler', server.spanId],
  ]);
  assert.equal(express.find((span) => span.name === 'request handler')!.spanId, handler.spanId);
  assert.equal(receiver.spans.filter((span) => span.traceId !== server.traceId).length, 0, 'the unsampled request left spans');
});

test('protocol http/json sends OTLP/JSON; http/protobuf is the default', async (t) => {
  const receiver = await receiverFor(t);
  for (const protocol of ['http/protobuf', 'http/json']) {
    const app = await startApp(t, fixture('express-app.cjs'), {
      receiver,
      env: { ...FAST_EXPORT, ...(protocol === 'http/json' ? { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: protocol } : {}) },
    });
    await get(`${app.url}/users/1`);
    await app.stop();
  }
  const types = receiver.requests.filter((request) => request.path === '/v1/traces').map((request) => request.contentType);
  assert.deepEqual(types, ['application/x-protobuf', 'application/json']);
  assert.equal(receiver.spans.filter((span) => span.attributes['http.route'] === '/users/:id' && span.kindName === 'SERVER').length, 2);
});

test('an ESM app importing express and node:http gets route spans and client spans', async (t) => {
  const receiver = await receiverFor(t);
  const app = await startApp(t, fixture('express-app.mjs'), {
    receiver,
    env: FAST_EXPORT,
  });
  await get(`${app.url}/outgoing`);
  await receiver.waitFor((r) => r.spans.filter((span) => span.kindName === 'SERVER').length >= 2, { timeoutMs: 10_000 });
  const route = receiver.spans.find((span) => span.kindName === 'SERVER' && span.attributes['http.route'] === '/outgoing');
  assert.ok(route, 'ESM app: no server span with http.route');
  assert.ok(receiver.spans.some((span) => span.scope.name === '@opentelemetry/instrumentation-express'), 'ESM app: no express spans');
  assert.ok(receiver.spans.some((span) => span.kindName === 'CLIENT'), 'ESM app: no client span');
  assert.match(app.stderr(), /beacon-otel \S+ on Node\.js v\d+\S* ESM, service beacon-otel \(package\.json\): traces → otlp http:\/\/127\.0\.0\.1:\d+\/v1\/traces/);
});

test('the CJS app is reported as CJS at start and gets express spans too', async (t) => {
  const receiver = await receiverFor(t);
  const app = await startApp(t, fixture('express-app.cjs'), { receiver, env: FAST_EXPORT });
  await get(`${app.url}/users/1`);
  await receiver.waitFor((r) => r.spans.some((span) => span.scope.name === '@opentelemetry/instrumentation-express'), { timeoutMs: 10_000 });
  assert.match(app.stderr(), / CJS, service /);
});

for (const [app, when] of [
  ['esm-named-imports.mjs', 'the app is the first to load node:http'],
  ['esm-named-imports-after-cjs.mjs', 'a CommonJS package required node:http first'],
] as const) {
  test(`ESM named imports of node:http are instrumented through the loader hook (${when})`, async (t) => {
    const receiver = await receiverFor(t);
    const started = await startApp(t, fixture(app), { receiver, env: FAST_EXPORT });
    await get(`${started.url}/outgoing`);
    await receiver.waitFor((r) => r.spans.filter((span) => span.kindName === 'SERVER').length >= 2, { timeoutMs: 10_000 });
    const client = receiver.spans.find((span) => span.kindName === 'CLIENT');
    assert.ok(client, 'the named `get` import was not instrumented');
    const downstream = receiver.spans.find((span) => span.kindName === 'SERVER' && span.attributes['url.path'] === '/downstream');
    assert.equal(downstream?.parentSpanId, client.spanId);
  });
}
