/**
 * Trace correlation end to end: the fixture app runs under `node --import`, logs with
 * Beacon's logger and with its own pino; the ids in its log lines must be the ids of the
 * spans the OTLP receiver got for the same request.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { fixture, startApp } from './helpers/app.js';
import { get } from './helpers/http.js';
import { receiverFor } from './helpers/otlp-receiver.js';

type Line = Record<string, unknown>;

function jsonLines(text: string): Line[] {
  return text.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Line);
}

test('log lines carry the trace and span ids of the spans exported for the same request', async (t) => {
  const receiver = await receiverFor(t);
  const app = await startApp(t, fixture('logging-app.mjs'), {
    receiver,
    env: { OTEL_BSP_SCHEDULE_DELAY: '100' },
    config: {
      service: { name: 'correlation-test' },
      metrics: { enabled: false },
      logging: { outputs: ['console', 'otlp'], requests: true },
    },
  });
  assert.equal((await get(`${app.url}/work/1?tag=sampled`)).status, 200);
  assert.equal((await get(`${app.url}/health`)).status, 200);
  await app.stop();

  const lines = jsonLines(app.stdout());
  const tagged = lines.filter((line) => line.tag === 'sampled');
  // Beacon's logger (3 lines), its child (1), the app's own pino (2: sync and in a timer).
  assert.deepEqual(tagged.map((line) => `${line.by}:${line.step}`).sort(), [
    'app-pino:sync', 'app-pino:timer', 'beacon-child:child', 'beacon:after-await', 'beacon:promise', 'beacon:sync',
  ]);
  const server = receiver.spans.find((span) => span.kindName === 'SERVER' && span.attributes['http.route'] === '/work/:id');
  assert.ok(server, 'the server span was exported');
  const spanIds = new Set(receiver.spans.filter((span) => span.traceId === server.traceId).map((span) => span.spanId));
  for (const line of tagged) {
    assert.equal(line.trace_id, server.traceId, `${line.by}:${line.step} trace_id`);
    assert.ok(spanIds.has(line.span_id as string), `${line.by}:${line.step} span_id ${String(line.span_id)} is a span of the trace`);
    assert.equal(line.trace_flags, '01');
  }

  const startup = lines.find((line) => line.tag === 'startup');
  assert.ok(startup, 'the line logged at start-up is there');
  assert.equal(startup.trace_id, undefined, 'no trace fields outside a span');
  assert.equal(startup.span_id, undefined);

  // One request line per request, none for /health, carrying the server span's ids.
  const requestLines = lines.filter((line) => line.component === 'http');
  assert.equal(requestLines.length, 1, JSON.stringify(requestLines));
  const [request] = requestLines as [Line];
  assert.equal(request.method, 'GET');
  assert.equal(request.route, '/work/:id');
  assert.equal(request.status, 200);
  assert.equal(request.bytes, Buffer.byteLength('{"id":"1"}'));
  assert.equal(typeof request.duration_ms, 'number');
  assert.ok((request.duration_ms as number) >= 5, `duration ${String(request.duration_ms)} covers the handler's waits`);
  assert.equal(request.trace_id, server.traceId);
  assert.equal(request.span_id, server.spanId);

  // The same lines over OTLP carry the same context.
  const records = receiver.logs.filter((record) => record.attributes.tag === 'sampled');
  assert.equal(records.length, 4, 'Beacon\'s four lines (the app\'s own pino does not send)');
  for (const record of records) {
    assert.equal(record.traceId, server.traceId);
    assert.ok(spanIds.has(record.spanId));
    assert.equal(record.flags & 1, 1);
  }
});

test('lines inside an unsampled trace still carry its ids, with flags 00', async (t) => {
  const receiver = await receiverFor(t);
  const app = await startApp(t, fixture('logging-app.mjs'), {
    receiver,
    env: { OTEL_BSP_SCHEDULE_DELAY: '100' },
    config: { metrics: { enabled: false }, logging: { outputs: ['console'] } },
  });
  const traceId = randomBytes(16).toString('hex');
  const parentId = randomBytes(8).toString('hex');
  assert.equal((await get(`${app.url}/work/2?tag=unsampled`, { traceparent: `00-${traceId}-${parentId}-00` })).status, 200);
  await app.stop();

  assert.equal(receiver.spans.filter((span) => span.traceId === traceId).length, 0, 'the trace was not sampled');
  const tagged = jsonLines(app.stdout()).filter((line) => line.tag === 'unsampled');
  assert.equal(tagged.length, 6);
  for (const line of tagged) {
    assert.equal(line.trace_id, traceId, `${line.by}:${line.step}`);
    assert.match(line.span_id as string, /^[0-9a-f]{16}$/);
    assert.notEqual(line.span_id, parentId, 'the span is the server\'s own, a child of the caller\'s');
    assert.equal(line.trace_flags, '00');
  }
});

test('ecs: Beacon\'s lines and the app\'s own pino use trace.id / span.id; the request line uses http.* fields', async (t) => {
  const receiver = await receiverFor(t);
  const app = await startApp(t, fixture('logging-app.mjs'), {
    receiver,
    env: { OTEL_BSP_SCHEDULE_DELAY: '100' },
    config: { metrics: { enabled: false }, logging: { format: 'ecs', outputs: ['console'], requests: true } },
  });
  assert.equal((await get(`${app.url}/work/3?tag=ecs`)).status, 200);
  assert.equal((await get(`${app.url}/metrics`)).status, 404, 'the metrics path is not a request line either');
  await app.stop();

  const server = receiver.spans.find((span) => span.kindName === 'SERVER' && span.attributes['http.route'] === '/work/:id');
  assert.ok(server);
  const tagged = jsonLines(app.stdout()).filter((line) => line.tag === 'ecs');
  assert.equal(tagged.length, 6);
  for (const line of tagged) {
    assert.equal(line['trace.id'], server.traceId, `${line.by}:${line.step}`);
    assert.equal(typeof line['span.id'], 'string');
    assert.equal('trace_id' in line, false);
  }
  assert.ok(tagged.filter((line) => line.by !== 'app-pino').every((line) => line['log.level'] !== undefined && line.message !== undefined));

  const requests = jsonLines(app.stdout()).filter((line) => line.component === 'http');
  assert.equal(requests.length, 1, JSON.stringify(requests));
  const [request] = requests as [Line];
  assert.equal(request['http.request.method'], 'GET');
  assert.equal(request['http.route'], '/work/:id');
  assert.equal(request['http.response.status_code'], 200);
  assert.equal(request['http.response.body.bytes'], Buffer.byteLength('{"id":"3"}'));
  assert.ok((request['event.duration'] as number) >= 5e6, 'event.duration in nanoseconds');
  assert.equal(request['trace.id'], server.traceId);
  assert.equal(request['span.id'], server.spanId);
});

test('request lines count the body of a streamed response, which has no Content-Length', async (t) => {
  const app = await startApp(t, fixture('logging-app.mjs'), {
    config: { tracing: { exporter: 'none' }, metrics: { enabled: false }, logging: { outputs: ['console'], requests: true } },
  });
  const response = await get(`${app.url}/stream/5`);
  assert.equal(response.headers['content-length'], undefined);
  assert.equal(response.headers['transfer-encoding'], 'chunked');
  assert.equal(Buffer.byteLength(response.body), 5001);
  await app.stop();
  const requests = jsonLines(app.stdout()).filter((line) => line.component === 'http');
  assert.deepEqual(requests.map((line) => [line.route, line.status, line.bytes]), [['/stream/:chunks', 200, 5001]]);
});
