/**
 * beacon-otel/sdk: a team's own NodeSDK built from a Beacon config, started without the
 * register entry, sends what the register entry sends (same server span, same resource),
 * serves Beacon's /metrics, feeds the team's own span processor and metric reader, and shuts
 * down within Beacon's deadline against a backend that never answers.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { type RunningApp, fixture, runToEnd, startApp } from './helpers/app.js';
import { get } from './helpers/http.js';
import { hiding } from './helpers/hidden-packages.js';
import { receiverFor } from './helpers/otlp-receiver.js';
import { freePort } from './helpers/net.js';
import { pollUntil } from './helpers/timing.js';

const CONFIG = { service: { name: 'sdk-app' }, tracing: { sampler: 1, batch: { scheduledDelayMs: 100 } } };

function startSdkApp(t: Parameters<typeof startApp>[0], config: object, env: Record<string, string>): Promise<RunningApp> {
  return startApp(t, fixture('node-sdk-app.mjs'), { bare: true, env: { ...env, APP_CONFIG: JSON.stringify(config) } });
}

async function ask<T>(app: RunningApp, message: string): Promise<T> {
  app.child.send(message);
  const [reply] = await once(app.child, 'message');
  return reply as T;
}

test('a NodeSDK from beacon-otel/sdk: the register entry\'s server span and resource, /metrics, and the team\'s own processor', async (t) => {
  const receiver = await receiverFor(t);
  const metricsPort = await freePort();
  const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort) };
  const serverSpan = (service: string) => receiver.spans.find((span) => span.kindName === 'SERVER' && span.resource['service.name'] === service);

  const registered = await startApp(t, fixture('express-app.mjs'), { env: { ...env, OTEL_EXPORTER_PROMETHEUS_PORT: '0' }, config: { ...CONFIG, service: { name: 'register-app' } } });
  assert.equal((await get(`${registered.url}/users/7`)).status, 200);
  assert.ok(await pollUntil(() => serverSpan('register-app') !== undefined, 10_000), 'no server span under the register entry');
  registered.child.kill('SIGTERM');

  const app = await startSdkApp(t, CONFIG, env);
  assert.equal((await get(`${app.url}/users/7`)).status, 200);
  assert.ok(await pollUntil(() => serverSpan('sdk-app') !== undefined, 10_000), `no server span from the NodeSDK\nstderr: ${app.stderr()}`);
  const [viaSdk, viaRegister] = [serverSpan('sdk-app')!, serverSpan('register-app')!];
  assert.equal(viaSdk.name, viaRegister.name);
  assert.equal(viaSdk.attributes['http.route'], '/users/:id');
  assert.equal(viaSdk.attributes['http.route'], viaRegister.attributes['http.route']);
  assert.equal(viaSdk.resource['telemetry.distro.name'], 'beacon-otel');

  const metrics = await get(`http://127.0.0.1:${metricsPort}/metrics`);
  assert.equal(metrics.status, 200);
  assert.match(metrics.body, /^http_server_request_duration_seconds_count\{.*\} 1$/m);

  const { seen, startPaths } = await ask<{ seen: string[]; startPaths: string[] }>(app, 'seen');
  assert.ok(seen.includes(viaSdk.name), `the team's processor saw ${seen.join(', ')}`);
  // A processor of the team's reads a server span's request attributes as it starts, as under upstream's path.
  assert.deepEqual(startPaths, ['/users/7']);

  // The team's own reader sees the SDK's instruments and Beacon's own histograms alike.
  const { names } = await ask<{ names: string[] }>(app, 'metrics');
  assert.ok(names.includes('http.server.request.duration'), names.join(', '));
  assert.ok(names.includes('sdk_app_jobs_seconds'), names.join(', '));
});

test('sdk.shutdown() settles within shutdown.timeoutMs against a backend that never answers', async (t) => {
  const receiver = await receiverFor(t, { hang: true });
  const timeoutMs = 1000;
  const config = { ...CONFIG, tracing: { ...CONFIG.tracing, otlp: { timeoutMs: 30_000 } }, shutdown: { timeoutMs } };
  const app = await startSdkApp(t, config, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
  assert.equal((await get(`${app.url}/users/7`)).status, 200);
  await pollUntil(() => receiver.requests.length > 0, 5000); // an export is stuck in the black hole
  const { shutdownMs } = await ask<{ shutdownMs: number }>(app, 'shutdown');
  assert.ok(shutdownMs < timeoutMs + 1000, `shutdown took ${Math.round(shutdownMs)} ms`);
});

test('importing beacon-otel/sdk without @opentelemetry/sdk-node fails with the install command', async () => {
  const { exit, stderr } = await runToEnd(['--import', hiding('@opentelemetry/sdk-node'), '--input-type=module', '-e', "import 'beacon-otel/sdk'"], { bare: true });
  assert.equal(exit.code, 1);
  assert.match(stderr, /BEACON_MISSING_PACKAGE/);
  assert.match(stderr, /npm install @opentelemetry\/sdk-node/);
});
