// 'otlp' pushes every metrics.interval seconds to a collector, with the OTel-native names
// (the Prometheus renaming is for the Prometheus endpoint only), decoded from real protobuf;
// what was recorded since the last push still leaves at SIGTERM.
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { fixture, startApp } from './helpers/app.js';
import { get } from './helpers/http.js';
import { type OtlpReceiverOptions, receiverFor } from './helpers/otlp-receiver.js';
import { sleep } from './helpers/timing.js';

/** The metrics fixture pushing to a fresh receiver every 0.5 s, with nothing else exported. */
async function startPushingApp(t: TestContext, otlp: Record<string, string> = {}, interval = 0.5, receiverOptions: OtlpReceiverOptions = {}) {
  const receiver = await receiverFor(t, receiverOptions);
  const app = await startApp(t, fixture('metrics-app.mjs'), {
    config: {
      tracing: { exporter: 'none' },
      logging: { outputs: [] },
      metrics: { exporters: ['otlp'], interval, otlp: { endpoint: `${receiver.url}/v1/metrics`, ...otlp } },
    },
  });
  return { receiver, app };
}

test('otlp exporter: periodic pushes with OTel names, route templates and runtime/component metrics', async (t) => {
  const { receiver, app } = await startPushingApp(t);
  assert.match(app.stderr(), /metrics → otlp http:\/\/127\.0\.0\.1:\d+\/v1\/metrics every 0\.5s/);
  await get(`${app.url}/orders/9`);
  const has = (name: string, where: (attributes: Record<string, unknown>) => boolean = () => true) =>
    receiver.metrics.some((point) => point.name === name && where(point.attributes));
  await receiver.waitFor(
    () =>
      has('http.server.request.duration', (a) => a['http.route'] === '/orders/:id') &&
      has('component.calls', (a) => a.component === 'OrderService') &&
      has('nodejs.memory.heap.used') &&
      has('v8js.memory.heap.space.size', (a) => a['v8js.heap.space.name'] === 'old_space') &&
      has('process.cpu.time') &&
      has('process.unix.file_descriptor.count') &&
      has('orders_viewed'),
    { timeoutMs: 10_000, description: 'http, component, runtime, host and custom metrics' },
  );
  const duration = receiver.metrics.find((point) => point.name === 'http.server.request.duration')!;
  assert.equal(duration.unit, 's');
  assert.equal(duration.type, 'histogram');
  assert.equal(duration.resource['service.name'] !== undefined, true);
  assert.ok(!receiver.metrics.some((point) => point.name.endsWith('_seconds') || point.name.endsWith('_bytes')), 'no Prometheus names over OTLP');
  const deprecated = ['v8js.memory.heap.limit', 'process.open_file_descriptor.count'];
  assert.ok(!receiver.metrics.some((point) => deprecated.includes(point.name)), 'the semantic conventions\' current names, not the deprecated ones');
  const pushes = receiver.requests.filter((request) => request.signal === 'metrics').length;
  assert.ok(pushes >= 1 && pushes < 40, `pushes: ${pushes}`);
});

test("otlp.protocol 'http/json' pushes OTLP/JSON", async (t) => {
  const { receiver, app } = await startPushingApp(t, { protocol: 'http/json' });
  await get(`${app.url}/orders/3`);
  await receiver.waitFor((r) => r.metrics.some((point) => point.name === 'http.server.request.duration'), { timeoutMs: 10_000 });
  const encodings = new Set(receiver.requests.filter((request) => request.signal === 'metrics').map((request) => request.encoding));
  assert.deepEqual([...encodings], ['json']);
});

test('SIGTERM pushes what was recorded since the last push before the process ends', async (t) => {
  const { receiver, app } = await startPushingApp(t, {}, 600); // no periodic push during the test
  for (let i = 0; i < 3; i++) await get(`${app.url}/orders/${i}`);
  assert.deepEqual(await app.stop(), { code: null, signal: 'SIGTERM' });
  const duration = receiver.metrics.find((point) => point.name === 'http.server.request.duration' && point.attributes['http.route'] === '/orders/:id');
  assert.ok(duration, `pushed at shutdown: ${[...new Set(receiver.metrics.map((point) => point.name))].join(', ')}`);
  assert.equal(duration.count, 3);
  // Beacon's own instruments too: a pre-bound histogram and a counter.
  const lookups = receiver.metrics.find((point) => point.name === 'order_lookup_duration' && point.attributes.channel === 'web');
  assert.ok(lookups, 'the pre-bound histogram was pushed at shutdown');
  assert.equal(lookups.type, 'histogram');
  assert.equal(lookups.count, 3);
  assert.deepEqual(lookups.explicitBounds, [0.001, 0.01]);
  assert.equal(lookups.bucketCounts?.[0], 0, 'each lookup sleeps at least 2 ms');
  const viewed = receiver.metrics.find((point) => point.name === 'orders_viewed' && point.attributes.channel === 'web');
  assert.equal(viewed?.value, 3);
});

test("a collector's Retry-After holds pushes back for as long as it asked, then they resume with the totals", async (t) => {
  // Retry-After 3 s is longer than the push timeout (the 0.5 s interval), so upstream's
  // exporter gives up at once; without Beacon carrying it over, a push would go every 0.5 s.
  const { receiver, app } = await startPushingApp(t, {}, 0.5, { status: 503, retryAfter: 3 });
  const pushes = () => receiver.requests.filter((request) => request.signal === 'metrics');
  await receiver.waitFor(() => pushes().length > 0, { description: 'the first push' });
  const first = pushes()[0]!.receivedAt; // its 503 asks for 3 s: five intervals
  await sleep(first + 2000 - Date.now());
  receiver.setOptions({ status: 200 });
  await get(`${app.url}/orders/1`);
  await receiver.waitFor((r) => r.metrics.some((point) => point.name === 'http.server.request.duration'), { timeoutMs: 5000 });
  // After the wait the exporter's own retry of the first push may come too; before it, nothing.
  const during = pushes().slice(1).filter((push) => push.receivedAt - first < 2900);
  assert.deepEqual(during.map((push) => push.receivedAt - first), [], 'no push while the collector asked to wait');
});

test("'console' exporter prints the metrics periodically for development", async (t) => {
  const app = await startApp(t, fixture('metrics-app.mjs'), {
    config: { tracing: { exporter: 'none' }, logging: { outputs: [] }, metrics: { exporters: ['console'], interval: 0.2, collectors: ['http'] } },
  });
  assert.match(app.stderr(), /metrics → console every 0\.2s/);
  await get(`${app.url}/orders/1`);
  const until = Date.now() + 5000;
  while (!app.stdout().includes("name: 'http.server.request.duration'") && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.match(app.stdout(), /name: 'http\.server\.request\.duration'/);
  assert.match(app.stdout(), /'http\.route': '\/orders\/:id'/);
});
