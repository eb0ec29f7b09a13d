/**
 * NestJS end to end: the app in test/fixtures/nest-app (experimentalDecorators, CommonJS,
 * built by `npm run build`) under `node --import ./dist/register.js`, with a real OTLP
 * receiver and Beacon's own /metrics endpoint.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot, startApp } from './helpers/app.js';
import { get } from './helpers/http.js';
import { type ReceivedSpan, receiverFor } from './helpers/otlp-receiver.js';
import { freePort } from './helpers/net.js';

const nestApp = join(repoRoot, 'dist', 'test', 'fixtures', 'nest-app', 'main.cjs');

function isDescendant(span: ReceivedSpan, ancestor: ReceivedSpan, spans: readonly ReceivedSpan[]): boolean {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  for (let parent = byId.get(span.parentSpanId); parent; parent = byId.get(parent.parentSpanId)) {
    if (parent === ancestor) return true;
  }
  return false;
}

test('a NestJS app: route-named server span, Nest and component spans under it, component metrics, correlated logs', async (t) => {
  const receiver = await receiverFor(t);
  const metricsPort = await freePort();
  const app = await startApp(t, nestApp, {
    env: { OTEL_BSP_SCHEDULE_DELAY: '100', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort) },
    config: { service: { name: 'nest-e2e' } },
  });

  const response = await get(`${app.url}/items/7`);
  assert.equal(response.status, 200, response.body);
  assert.deepEqual(JSON.parse(response.body), { id: 7, name: 'item 7' });

  const scrape = (await get(`http://127.0.0.1:${metricsPort}/metrics`)).body;
  assert.match(scrape, /^component_calls_total\{component="ItemsService",method="find"\} 1$/m);
  assert.match(scrape, /^component_duration_seconds_count\{component="ItemsService",method="find"\} 1$/m);
  assert.match(scrape, /^component_calls_total\{component="ItemsController",method="findOne"\} 1$/m, 'an instrumented controller keeps its routes');
  assert.match(scrape, /^item_lookup_seconds_count\{source="memory"\} 1$/m, 'the @metrics.trackDuration histogram');

  app.child.kill('SIGTERM');
  await app.exited;

  const server = receiver.spans.find((span) => span.kindName === 'SERVER');
  assert.ok(server, `no server span; got ${receiver.spans.map((span) => span.name).join(', ')}`);
  assert.equal(server.name, 'GET /items/:id');
  assert.equal(server.attributes['http.route'], '/items/:id');
  assert.equal(server.resource['service.name'], 'nest-e2e');
  const trace = receiver.spans.filter((span) => span.traceId === server.traceId);

  const nest = trace.filter((span) => span.scope.name === '@opentelemetry/instrumentation-nestjs-core');
  assert.deepEqual(nest.map((span) => span.attributes['nestjs.type']).sort(), ['handler', 'request_context']);
  assert.equal(nest.find((span) => span.attributes['nestjs.type'] === 'request_context')!.attributes['nestjs.controller'], 'ItemsController');

  const component = trace.find((span) => span.name === 'ItemsService.find');
  assert.ok(component, `no component span; trace: ${trace.map((span) => span.name).join(', ')}`);
  assert.equal(component.scope.name, 'beacon-otel/components');
  assert.ok(isDescendant(component, server, trace), 'the component span is under the server span');

  const line = app.stdout().split('\n').find((text) => text.includes('item found'));
  assert.ok(line, app.stdout());
  const record = JSON.parse(line) as { trace_id?: string; span_id?: string; itemId?: number };
  assert.equal(record.trace_id, server.traceId, 'the log line leads to the trace');
  assert.equal(record.span_id, component.spanId, 'logged inside the component span');
  assert.equal(record.itemId, 7);
});
