/**
 * End to end: OTEL_CONFIG_FILE alone drives a real express app under the register entry —
 * the file's resource, sampler and propagator on the spans a real OTLP receiver decodes,
 * the file's Prometheus port serving /metrics — and the start-up line says so.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { fixture, repoRoot, startApp } from './helpers/app.js';
import { get } from './helpers/http.js';
import { freePort, refusedUrl } from './helpers/net.js';
import { receiverFor } from './helpers/otlp-receiver.js';

test('OTEL_CONFIG_FILE: spans with the file\'s resource and sampler reach the receiver; /metrics answers on the file\'s port', async (t) => {
  const receiver = await receiverFor(t);
  const metricsPort = await freePort();
  const app = await startApp(t, fixture('express-app.cjs'), {
    env: { OTEL_CONFIG_FILE: fixture('declarative/e2e.yaml'), RECEIVER_URL: receiver.url, METRICS_PORT: String(metricsPort) },
  });

  // The root sampler is always_off: only the requests whose caller sampled them are traced.
  const callers = Array.from({ length: 5 }, () => ({ traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex') }));
  for (const [i, caller] of callers.entries()) {
    assert.equal((await get(`${app.url}/users/${i}`, { traceparent: `00-${caller.traceId}-${caller.spanId}-01` })).status, 200);
    assert.equal((await get(`${app.url}/users/${i + 100}`)).status, 200);
  }
  const metrics = await get(`http://127.0.0.1:${metricsPort}/metrics`);
  assert.equal(metrics.status, 200);
  assert.match(metrics.body, /^http_server_request_duration_seconds_count\{.*http_route="\/users\/:id".*\} 10$/m);
  await app.stop();

  const servers = receiver.spans.filter((span) => span.kindName === 'SERVER');
  assert.deepEqual(servers.map((span) => span.traceId).sort(), callers.map(({ traceId }) => traceId).sort());
  for (const span of servers) {
    assert.equal(span.resource['service.name'], 'declarative-e2e');
    assert.equal(span.resource.team, 'checkout');
  }
  assert.match(app.stderr(), /service declarative-e2e \(OTEL_CONFIG_FILE:resource\.attributes\[0\]\): .* \(settings from OTEL_CONFIG_FILE .*e2e\.yaml\)$/m);
  // The test harness sets these; the file takes their place, and Beacon says so.
  assert.match(app.stderr(), /OTEL_EXPORTER_PROMETHEUS_HOST, OTEL_EXPORTER_PROMETHEUS_PORT ignored: OTEL_CONFIG_FILE is in force/);
});

test('OTEL_CONFIG_FILE under the --require entry too: the file decides before the app starts', async (t) => {
  const metricsPort = await freePort();
  const app = await startApp(t, fixture('express-app.cjs'), {
    bare: true,
    env: {
      NODE_OPTIONS: `--require ${join(repoRoot, 'dist', 'register.cjs')}`,
      OTEL_CONFIG_FILE: fixture('declarative/e2e.yaml'),
      RECEIVER_URL: await refusedUrl(),
      METRICS_PORT: String(metricsPort),
    },
  });
  assert.equal((await get(`${app.url}/users/1`)).status, 200);
  assert.equal((await get(`http://127.0.0.1:${metricsPort}/metrics`)).status, 200);
  await app.stop();
  assert.match(app.stderr(), /service declarative-e2e \(OTEL_CONFIG_FILE:resource\.attributes\[0\]\)/);
});
