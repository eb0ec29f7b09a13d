/**
 * `npm start` on the built tree, with no backend running: the start command of package.json
 * (without its prestart rebuild) serves the example and Beacon's metrics endpoint within a
 * bounded time, logs correlated JSON on stdout, prints one banner, does not flood stderr when
 * the trace endpoint is absent, and ends on SIGTERM.
 *
 * Ports: the command is spawned as written, with PORT and OTEL_EXPORTER_PROMETHEUS_PORT set
 * to free ports so that it can run beside anything else on this machine (the defaults, 3000
 * and 9464, are what the example uses when these are not set).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cleanEnv, repoRoot } from './helpers/app.js';
import { stopChild } from './helpers/child.js';
import { get, post } from './helpers/http.js';
import { freePort } from './helpers/net.js';
import { receiverFor } from './helpers/otlp-receiver.js';
import { pollUntil, sleep } from './helpers/timing.js';

const STARTUP_BUDGET_MS = 15_000;

/** `BEACON_CONFIG=… node --import … script` from package.json → env and node arguments. */
function startCommand(): { env: Record<string, string>; args: string[] } {
  const script = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start!;
  const words = script.trim().split(/\s+/);
  const env: Record<string, string> = {};
  while (words[0] && /^[A-Z_][A-Z0-9_]*=/.test(words[0])) {
    const [key, ...value] = words.shift()!.split('=');
    env[key!] = value.join('=');
  }
  assert.equal(words.shift(), 'node', `npm start should run node: ${script}`);
  return { env, args: words };
}

async function until<T>(what: string, deadline: number, probe: () => Promise<T | undefined>): Promise<T> {
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await sleep(100);
  }
  throw new Error(`${what} not ready within ${STARTUP_BUDGET_MS} ms (${String(last)})`);
}

test('npm start serves the example and the metrics endpoint within 15 s with no backend, logs correlated JSON, and stays quiet', async (t) => {
  const { env, args } = startCommand();
  const [appPort, metricsPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: cleanEnv({ ...env, PORT: String(appPort), OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort) }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  t.after(() => stopChild(child, 'SIGKILL'));

  const started = Date.now();
  const deadline = started + STARTUP_BUDGET_MS;
  const app = `http://127.0.0.1:${appPort}`;
  const metrics = `http://127.0.0.1:${metricsPort}`;
  await until('the app', deadline, async () => ((await get(`${app}/health`)).status === 200 ? true : undefined));
  await until('the metrics endpoint', deadline, async () => ((await get(`${metrics}/metrics`)).status === 200 ? true : undefined));

  // The example answers as seed 000's service does: 201, 200, 400, 404.
  assert.equal((await post(`${app}/api/users`, { username: 'alice', email: 'alice@example.com' })).status, 201);
  assert.equal((await post(`${app}/api/users`, { username: '' })).status, 400);
  const order = await post(`${app}/api/orders`, { user_id: 1, product_type: 'digital', amount: 9.99, region: 'eu-west' });
  assert.ok([201, 500].includes(order.status), `order: ${order.status}`);
  assert.equal((await get(`${app}/api/users/424242`)).status, 404);
  const revenue = await get(`${app}/api/orders/revenue`);
  assert.equal(revenue.status, 200);
  assert.ok(revenue.headers['server-timing'], 'Server-Timing carries the traceparent');

  const text = await until('the example metrics', deadline + 5000, async () => {
    const body = (await get(`${metrics}/metrics`)).body;
    return body.includes('expensive_aggregation_total') ? body : undefined;
  });
  assert.match(text, /http_server_request_duration_seconds_count\{[^}]*http_route="\/api\/users\/:id"[^}]*http_response_status_code="404"/);
  assert.match(text, /component_calls_total\{component="UserService",method="create"\} 2/);
  assert.match(text, /database_writes_total\{table="users",operation="insert"\} 1/);
  assert.match(text, /database_full_scan_total\{table="orders"\} 1/);
  const summary = JSON.parse((await get(`${metrics}/metrics.json`)).body) as { service: string; http: { requests: number } };
  assert.equal(summary.service, 'orders-service');
  assert.ok(summary.http.requests >= 5);

  // Correlated JSON on stdout: every line parses; the service's own lines carry the trace id.
  // Console lines leave through pino's worker thread: wait for them, bounded.
  await pollUntil(() => stdout.includes('"user created"'), 5000, 50);
  const complete = stdout.slice(0, stdout.lastIndexOf('\n')); // a line may still be arriving
  const lines = complete.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  const created = lines.find((line) => line.msg === 'user created');
  assert.ok(created, `no 'user created' line in:\n${stdout}`);
  assert.match(String(created.trace_id), /^[0-9a-f]{32}$/);
  assert.match(String(created.span_id), /^[0-9a-f]{16}$/);

  // Jaeger is absent: the batch (5 s delay) fails to export; the app keeps serving, stderr stays short.
  await sleep(6000);
  assert.equal((await get(`${app}/health`)).status, 200);
  assert.equal(stderr.match(/^\[beacon\] beacon-otel .* service orders-service \(config\): traces → /gm)?.length, 1, `one banner expected:\n${stderr}`);
  assert.ok(stderr.split('\n').length <= 8, `stderr floods:\n${stderr}`);

  const { code, signal } = await stopChild(child, 'SIGTERM', 10_000);
  assert.notEqual(signal, 'SIGKILL', 'the example did not end within 10 s of SIGTERM');
  assert.ok(signal === 'SIGTERM' || code === 0 || code === 143, `exit: code ${code}, signal ${signal}`);
});

test('examples/register-in-code, started literally as `node --import ./register.js app.js`: traced with the config in code', async (t) => {
  const receiver = await receiverFor(t);
  const [port, metricsPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, ['--import', './register.js', 'app.js'], {
    cwd: join(repoRoot, 'examples', 'register-in-code'),
    env: cleanEnv({ PORT: String(port), OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort), OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => child.kill('SIGKILL'));
  let [stdout, stderr] = ['', ''];
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  assert.ok(await pollUntil(() => stdout.includes('listening on'), STARTUP_BUDGET_MS, 50), stderr);
  assert.match(stderr, /service greeter \(config\): traces → otlp/);
  assert.equal((await get(`http://127.0.0.1:${port}/hello/ada`)).body, 'hello ada\n');
  assert.ok(await pollUntil(() => receiver.spans.some((span) => span.kindName === 'SERVER'), 10_000, 50), 'the server span arrives');
  const span = receiver.spans.find((candidate) => candidate.kindName === 'SERVER')!;
  assert.equal(span.resource['service.name'], 'greeter');
  assert.ok(await pollUntil(() => stdout.includes('"greeted"'), 5000, 50), stdout);
  const line = JSON.parse(stdout.split('\n').find((text) => text.includes('"greeted"'))!) as { trace_id: string };
  assert.equal(line.trace_id, span.traceId);
});
