// A real Prometheus server scrapes an instrumented app started with --import; PromQL finds
// the HTTP, runtime, host, component and custom metrics under their Prometheus names.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fixture, startApp } from './helpers/app.js';
import { get } from './helpers/http.js';
import { freePort } from './helpers/net.js';
import { startPrometheus } from './helpers/prometheus.js';

test('a real Prometheus scrapes the endpoint and PromQL finds every kind of metric', async (t) => {
  const metricsPort = await freePort();
  const app = await startApp(t, fixture('metrics-app.mjs'), {
    config: {
      service: { name: 'metrics-fixture' },
      tracing: { exporter: 'none' },
      logging: { outputs: [] },
      metrics: { prometheus: { host: '127.0.0.1', port: metricsPort } },
    },
  });
  const prometheus = await startPrometheus(t, [`127.0.0.1:${metricsPort}`]);
  await prometheus.waitFor('up{job="app"} == 1');
  const traffic = async () => {
    for (let i = 0; i < 5; i++) assert.equal((await get(`${app.url}/orders/${i}`)).status, 200);
    assert.equal((await get(`${app.url}/fail`)).status, 500);
    assert.equal((await get(`${app.url}/health`)).status, 200);
  };
  // Two rounds: the first creates the series, the second is an increase rate() can see.
  await traffic();
  await prometheus.waitFor('http_server_request_duration_seconds_count{job="app"}', (s) => s.length >= 2);
  await traffic();

  const total = (samples: { value: [number, string] }[]) => samples.reduce((sum, sample) => sum + Number(sample.value[1]), 0);
  const http = await prometheus.waitFor('http_server_request_duration_seconds_count{job="app"}', (s) => total(s) === 12);
  const routes = new Set(http.map((sample) => sample.metric.http_route));
  assert.ok(routes.has('/orders/:id'), `route templates, got ${[...routes].join(', ')}`);
  assert.ok(![...routes].some((route) => /\/orders\/\d/.test(route ?? '')), 'no raw paths with ids');
  assert.ok(!routes.has('/health'), 'health probes are left out');
  const orders = http.find((sample) => sample.metric.http_route === '/orders/:id')!;
  assert.equal(orders.metric.http_request_method, 'GET');
  assert.equal(orders.metric.http_response_status_code, '200');
  assert.equal(Number(orders.value[1]), 10);
  const failed = http.find((sample) => sample.metric.http_route === '/fail')!;
  assert.equal(failed.metric.http_response_status_code, '500');

  const p95 = await prometheus.waitFor(
    'histogram_quantile(0.95, sum by (le) (rate(http_server_request_duration_seconds_bucket{job="app"}[1m])))',
    (samples) => samples.length === 1 && Number.isFinite(Number(samples[0]!.value[1])),
  );
  assert.ok(Number(p95[0]!.value[1]) > 0 && Number(p95[0]!.value[1]) <= 0.25, `p95 ${p95[0]!.value[1]} s is plausible`);
  const errorRate = await prometheus.waitFor(
    'sum(rate(http_server_request_duration_seconds_count{job="app",http_response_status_code=~"5.."}[1m])) / sum(rate(http_server_request_duration_seconds_count{job="app"}[1m]))',
    (samples) => samples.length === 1 && Number(samples[0]!.value[1]) > 0,
  );
  assert.ok(Math.abs(Number(errorRate[0]!.value[1]) - 1 / 6) < 1e-9, `error rate ${errorRate[0]!.value[1]} is 1/6`);

  // runtime (prom-client names) and host
  for (const name of [
    'nodejs_eventloop_lag_p99_seconds',
    'nodejs_heap_size_used_bytes',
    'nodejs_heap_space_size_used_bytes{space="old"}',
    'nodejs_active_handles_total',
    'nodejs_version_info',
    'process_cpu_seconds_total',
    'process_resident_memory_bytes',
    'process_virtual_memory_bytes',
    'process_start_time_seconds',
    'system_memory_limit_bytes',
  ]) {
    const samples = await prometheus.waitFor(name);
    assert.ok(Number(samples[0]!.value[1]) >= 0, name);
  }
  const rss = await prometheus.query('process_resident_memory_bytes');
  assert.ok(Number(rss[0]!.value[1]) > 10_000_000, 'RSS is a plausible number of bytes');

  // components
  const calls = await prometheus.waitFor('component_calls_total{component="OrderService"}', (s) => total(s) === 12);
  const find = calls.find((sample) => sample.metric.method === 'find')!;
  assert.equal(Number(find.value[1]), 10);
  const errors = await prometheus.waitFor('component_errors_total{component="OrderService",method="fail"}');
  assert.equal(errors[0]!.metric.error_type, 'RangeError');
  await prometheus.waitFor('component_duration_seconds_count{component="OrderService",method="find"}');

  // custom
  await prometheus.waitFor('orders_viewed_total{channel="web"} == 10');
  await prometheus.waitFor('cart_items == 3');

  // promtool's linter agrees with the names; the `_total` gauges are prom-client's own names.
  const text = (await get(`http://127.0.0.1:${metricsPort}/metrics`)).body;
  const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  assert.ok(!lint.error, `promtool (Debian package prometheus) is needed: ${lint.error?.message}`);
  const problems = `${lint.stdout}${lint.stderr}`
    .split('\n')
    .filter((line) => line.trim() && !/^nodejs_active_(handles|requests|resources)_total non-counter metrics should not have "_total" suffix$/.test(line));
  assert.deepEqual(problems, []);

  const [target] = await prometheus.targets();
  assert.equal(target!.health, 'up');
  assert.equal(target!.lastError, '');
  assert.match(app.stderr(), new RegExp(`prometheus http://127\\.0\\.0\\.1:${metricsPort}/metrics`));
});
