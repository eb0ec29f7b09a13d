// The JSON summary against known traffic: totals by method and status, an exact error rate,
// requests with known delays in the right percentile range, component statistics.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { test } from 'node:test';
import type { MetricsSummary } from '../src/metrics/prometheus/summary.js';
import { fixture, startApp } from './helpers/app.js';
import { get, load } from './helpers/http.js';
import { freePort } from './helpers/net.js';
import { pollUntil } from './helpers/timing.js';

test('the JSON summary reports known traffic exactly and puts known delays in the right percentile range', async (t) => {
  const metricsPort = await freePort();
  // minIntervalMs 0: the polls below watch a 300 ms request come and go, so each scrape must collect anew.
  const app = await startApp(t, fixture('metrics-app.mjs'), {
    config: {
      tracing: { exporter: 'none' },
      logging: { outputs: [] },
      metrics: { collectors: ['http', 'components'], buckets: [0.01, 0.1, 0.2, 1, 2], prometheus: { host: '127.0.0.1', port: metricsPort, minIntervalMs: 0 } },
    },
  });
  const paths = [
    ...Array<string>(16).fill('/delay/20'),
    ...Array<string>(4).fill('/delay/400'),
    ...Array<string>(5).fill('/status/500'),
    ...Array<string>(3).fill('/status/404'),
    ...Array<string>(2).fill('/status/200'),
    ...Array<string>(3).fill('/orders/7'),
    '/fail',
    '/health',
  ];
  await load(paths.length, 8, (i) => get(`${app.url}${paths[i]}`));

  const response = await get(`http://127.0.0.1:${metricsPort}/metrics.json`);
  assert.equal(response.status, 200);
  assert.match(String(response.headers['content-type']), /^application\/json/);
  const summary = JSON.parse(response.body) as MetricsSummary;
  const { http } = summary;

  assert.equal(http.requests, 34, 'every request but the health probe');
  assert.deepEqual(http.by_method, { GET: 34 });
  assert.deepEqual(http.by_status, { '200': 25, '404': 3, '500': 6 });
  assert.equal(http.errors, 6);
  assert.equal(http.error_rate, Number((6 / 34).toFixed(4)));

  const delay = http.routes['GET /delay/:ms']!;
  assert.equal(delay.count, 20);
  assert.equal(delay.errors, 0);
  // 16 of 20 took ~20 ms (bucket 10–100 ms), 4 took ~400 ms (bucket 200 ms–1 s).
  assert.ok(delay.p50_ms! > 10 && delay.p50_ms! <= 100, `p50 ${delay.p50_ms}`);
  assert.ok(delay.p95_ms! > 200 && delay.p95_ms! <= 1000, `p95 ${delay.p95_ms}`);
  assert.ok(delay.p99_ms! >= delay.p95_ms!, 'p99 >= p95');
  const expectedAvg = (16 * 20 + 4 * 400) / 20;
  assert.ok(delay.avg_ms! >= expectedAvg && delay.avg_ms! < expectedAvg + 80, `avg ${delay.avg_ms}`);

  const status = http.routes['GET /status/:code']!;
  assert.equal(status.count, 10);
  assert.equal(status.error_rate, 0.5);
  assert.ok(!Object.keys(http.routes).some((route) => route.includes('/health')));

  assert.deepEqual(
    { calls: summary.components['OrderService.find']!.calls, errors: summary.components['OrderService.find']!.errors },
    { calls: 3, errors: 0 },
  );
  assert.equal(summary.components['OrderService.fail']!.errors, 1);
  assert.ok(summary.components['OrderService.find']!.p95_ms! >= 2, 'find waits 2 ms');

  assert.ok(summary.process.memory.rss_bytes > 10_000_000);
  assert.ok(summary.process.memory.heap_used_bytes > 0);
  assert.ok(summary.process.cpu.total_seconds > 0);
  assert.ok(summary.uptime_seconds > 0);

  // In-flight requests went back to zero, including one the client gave up on; body sizes per status.
  const scrape = async () => (await get(`http://127.0.0.1:${metricsPort}/metrics`)).body;
  const inFlight = (count: number) => new RegExp(`^http_server_active_requests\\{http_request_method="GET",url_scheme="http"\\} ${count}$`, 'm');
  const aborted = request(`${app.url}/delay/300`);
  const abortedDone = new Promise<void>((resolve) => aborted.on('error', () => resolve()));
  aborted.end();
  // Given up on only once the server has it in flight.
  assert.ok(await pollUntil(async () => inFlight(1).test(await scrape())), 'the server saw the request');
  aborted.destroy();
  await abortedDone;
  // The server sees the client's close a moment after the client sent it: poll, bounded.
  let text = '';
  await pollUntil(async () => inFlight(0).test((text = await scrape())), 2000, 50);
  assert.match(text, inFlight(0));
  // Body sizes by method, status and route template.
  assert.match(text, /^http_server_response_body_size_bytes_count\{http_request_method="GET",http_response_status_code="500",http_route="\/status\/:code"\} 5$/m);
  assert.match(text, /^http_server_response_body_size_bytes_count\{http_request_method="GET",http_response_status_code="500",http_route="\/fail"\} 1$/m);

  // The same summary mounted on the app's own server.
  const mounted = JSON.parse((await get(`${app.url}/app-metrics.json`)).body) as MetricsSummary;
  assert.equal(mounted.http.routes['GET /delay/:ms']!.count, 21, 'plus the aborted request');
});
