// The endpoint's life around the app: a port already in use costs one error line and
// nothing else; the handler mounts on node:http, express and fastify with the same rules.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { DiagLogLevel, diag, metrics as otelMetrics } from '@opentelemetry/api';
import Fastify from 'fastify';
import { metricsHandler, metricsText } from '../src/metrics/prometheus/app-handler.js';
import { fixture, startApp } from './helpers/app.js';
import { call, get } from './helpers/http.js';
import { startMetricsModule } from './helpers/metrics-endpoint.js';
import { freePort } from './helpers/net.js';

const silent = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, verbose: () => {} };

test('metrics port already in use: one clear error line, the app keeps serving', async (t) => {
  const squatter = createServer((_req, res) => res.end('not metrics')).listen(0, '127.0.0.1');
  await once(squatter, 'listening');
  t.after(() => squatter.close());
  const busyPort = (squatter.address() as AddressInfo).port;

  const app = await startApp(t, fixture('metrics-app.mjs'), {
    config: { tracing: { exporter: 'none' }, logging: { outputs: [] }, metrics: { prometheus: { host: '127.0.0.1', port: busyPort } } },
  });
  for (let i = 0; i < 3; i++) assert.equal((await get(`${app.url}/orders/${i}`)).status, 200);
  const lines = app.stderr().split('\n').filter((line) => line.includes('metrics endpoint not started'));
  assert.equal(lines.length, 1, app.stderr());
  assert.match(lines[0]!, new RegExp(`127\\.0\\.0\\.1:${busyPort}: address already in use`));
  assert.doesNotMatch(app.stderr(), /at .*\(.*:\d+:\d+\)/, 'no stack trace');
  assert.match(app.stderr(), /metrics → prometheus unavailable/);
  assert.equal(app.child.exitCode, null, 'still running');
  // The squatter still answers its own requests; the app's mounted handler still works.
  assert.equal((await get(`http://127.0.0.1:${busyPort}/metrics`)).body, 'not metrics');
  const mounted = await get(`${app.url}/app-metrics`);
  assert.equal(mounted.status, 200);
  assert.match(mounted.body, /^component_calls_total\{component="OrderService",method="find"\} 3$/m);
  // Calls in flight: a gauge, back to 0 once the calls have returned.
  assert.match(mounted.body, /^# TYPE component_active_calls gauge$/m);
  assert.match(mounted.body, /^component_active_calls\{component="OrderService",method="find"\} 0$/m);
});

test('metricsHandler() on express with its own access rules, and metricsText()', async (t) => {
  const app = await startApp(t, fixture('metrics-app.mjs'), {
    config: { tracing: { exporter: 'none' }, logging: { outputs: [] }, metrics: { prometheus: { server: false } } },
  });
  assert.match(app.stderr(), /metrics → prometheus via metricsHandler\(\)/);
  await get(`${app.url}/orders/1`);
  const text = await get(`${app.url}/app-metrics`);
  assert.equal(text.status, 200);
  assert.match(String(text.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  assert.match(text.body, /^orders_viewed_total\{channel="web"\} 1$/m);
  assert.equal((await get(`${app.url}/app-metrics-locked`)).status, 401);
  assert.equal((await get(`${app.url}/app-metrics-locked`, { Authorization: 'Bearer app-secret' })).status, 200);
  assert.match((await get(`${app.url}/text`)).body, /^nodejs_heap_size_used_bytes \d+$/m);
});

test('metricsHandler() on node:http and fastify; 503 before metrics run', async (t) => {
  const handler = metricsHandler();
  const plain = createServer((req, res) => void handler(req, res)).listen(0, '127.0.0.1');
  await once(plain, 'listening');
  t.after(() => plain.close());
  const plainUrl = `http://127.0.0.1:${(plain.address() as AddressInfo).port}/metrics`;
  assert.equal((await call(plainUrl)).status, 503, 'not started yet');
  assert.equal(await metricsText(), '');

  await startMetricsModule(t, { collectors: ['runtime'], prometheus: { server: false, allowedIps: ['127.0.0.1'] } });
  await new Promise((resolve) => setTimeout(resolve, 100)); // a few event loop delay samples (10 ms resolution)
  const fromPlain = await call(plainUrl);
  assert.equal(fromPlain.status, 200);
  assert.match(fromPlain.body, /^nodejs_eventloop_lag_p99_seconds /m);

  const fastify = Fastify();
  fastify.get('/metrics', metricsHandler());
  fastify.get('/metrics.json', metricsHandler({ format: 'json' }));
  await fastify.listen({ host: '::', port: 0 });
  t.after(() => fastify.close());
  const port = (fastify.server.address() as AddressInfo).port;
  const fromFastify = await call(`http://127.0.0.1:${port}/metrics`);
  assert.equal(fromFastify.status, 200);
  assert.match(fromFastify.body, /^nodejs_heap_size_used_bytes \d+$/m);
  assert.equal((await call(`http://[::1]:${port}/metrics`)).status, 403, 'the config allowlist applies to mounted handlers');
  const json = await call(`http://127.0.0.1:${port}/metrics.json`);
  assert.equal(json.status, 200);
  assert.equal((JSON.parse(json.body) as { service: string }).service, 'metrics-test');
});

test("scrapes of Beacon's own endpoint server are not app traffic, whatever its path", async (t) => {
  const metricsPort = await freePort();
  await startApp(t, fixture('metrics-app.mjs'), {
    config: { tracing: { exporter: 'none' }, logging: { outputs: [] }, metrics: { prometheus: { host: '127.0.0.1', port: metricsPort, path: '/custom-scrape' } } },
  });
  await get(`http://127.0.0.1:${metricsPort}/custom-scrape`);
  const text = (await get(`http://127.0.0.1:${metricsPort}/custom-scrape`)).body;
  assert.match(text, /^nodejs_heap_size_used_bytes \d+$/m);
  assert.doesNotMatch(text, /^http_server_(request_duration_seconds|active_requests)/m);
});

test('metricsText() returns the shared snapshot, or nothing (and a warning) over maxResponseBytes', async (t) => {
  const warnings: string[] = [];
  diag.setLogger({ ...silent, warn: (message: string) => warnings.push(message) }, DiagLogLevel.WARN);
  t.after(() => diag.disable());
  const component = await startMetricsModule(t, { collectors: ['runtime'], prometheus: { server: false, maxResponseBytes: 1024, minIntervalMs: 0 } });
  assert.equal(await metricsText(), '', 'the runtime metrics are more than 1 KiB');
  assert.match(warnings.join('\n'), /^metricsText\(\): metrics response over metrics\.prometheus\.maxResponseBytes \(1024 bytes; this one is at least \d+\)/m);
  await component.shutdown();
  await startMetricsModule(t, { collectors: ['runtime'], prometheus: { server: false } });
  assert.match(await metricsText(), /^nodejs_heap_size_used_bytes \d+$/m);
});

test('a multi-megabyte scrape arrives whole over HTTP, the same bytes as metricsText() of the same snapshot', async (t) => {
  const port = await freePort();
  await startMetricsModule(t, { collectors: [], prometheus: { host: '127.0.0.1', port, minIntervalMs: 60_000 } });
  const histogram = otelMetrics.getMeter('big').createHistogram('big_duration', { unit: 's' });
  for (let i = 0; i < 3000; i++) histogram.record(i / 3000, { route: `/r/${i}`, label: 'ü "quoted"' });
  const replies = await Promise.all(Array.from({ length: 3 }, () => call(`http://127.0.0.1:${port}/metrics`)));
  const text = await metricsText();
  assert.ok(Buffer.byteLength(text) > 2 * 1024 * 1024, `${Buffer.byteLength(text)} bytes: several write slices`);
  for (const reply of replies) {
    assert.equal(reply.status, 200);
    assert.equal(Number(reply.headers['content-length']), Buffer.byteLength(text));
    assert.equal(reply.body, text);
  }
});
