// A cache client traced end to end against a real Redis: ioredis commands become client
// spans inside the request's trace, and the values written never reach the span.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture, startApp } from './helpers/app.js';
import { get } from './helpers/http.js';
import { attributesJson, type ReceivedSpan, receiverFor } from './helpers/otlp-receiver.js';
import { startRedis } from './helpers/redis.js';

test('ioredis commands are client spans of the request, with the key but not the value', async (t) => {
  const redis = await startRedis(t);
  const receiver = await receiverFor(t);
  const app = await startApp(t, fixture('redis-app.cjs'), {
    receiver,
    env: { REDIS_PORT: String(redis.port), OTEL_BSP_SCHEDULE_DELAY: '100' },
  });
  assert.deepEqual(JSON.parse((await get(`${app.url}/sessions/42`)).body), { found: true });
  await receiver.waitFor((r) => r.spans.filter((span) => span.kindName === 'CLIENT').length >= 2, { timeoutMs: 10_000 });

  const server = receiver.spans.find((span) => span.kindName === 'SERVER' && span.attributes['http.route'] === '/sessions/:id');
  assert.ok(server, 'the server span');
  const commands = receiver.spans.filter((span) => span.traceId === server.traceId && span.kindName === 'CLIENT');
  assert.deepEqual(commands.map((span) => span.name), ['set', 'get']);
  const spanIds = new Set(receiver.spans.filter((span) => span.traceId === server.traceId).map((span) => span.spanId));
  for (const span of commands) {
    assert.ok(spanIds.has(span.parentSpanId), `${span.name}: its parent is a span of the request`);
    assert.equal(span.attributes['db.system.name'], 'redis');
    assert.equal(span.attributes['db.operation.name'], span.name);
    assert.equal(span.attributes['server.port'], redis.port);
  }
  const [set, getCommand] = commands as [ReceivedSpan, ReceivedSpan];
  assert.equal(set.attributes['db.query.text'], 'set session:42 [3 other arguments]', 'the key, not the value');
  assert.equal(getCommand.attributes['db.query.text'], 'get session:42');
  assert.ok(!receiver.spans.some((span) => attributesJson(span).includes('token-s3cr3t-value')), 'the value is in no span');
});
