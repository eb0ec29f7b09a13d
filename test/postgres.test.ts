// A database client traced end to end against a real PostgreSQL: pg queries become client
// spans inside the request's trace, with the parameterized statement and never the values.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture, startApp } from './helpers/app.js';
import { post } from './helpers/http.js';
import { attributesJson, receiverFor } from './helpers/otlp-receiver.js';
import { startPostgres } from './helpers/postgres.js';

test('pg queries are client spans of the request, with the statement but not the parameter values', async (t) => {
  const postgres = await startPostgres(t);
  const receiver = await receiverFor(t);
  const app = await startApp(t, fixture('pg-app.cjs'), {
    receiver,
    env: { PG_PORT: String(postgres.port), OTEL_BSP_SCHEDULE_DELAY: '100' },
  });
  const response = await post(`${app.url}/orders/7`);
  assert.equal(response.status, 201);
  assert.deepEqual(JSON.parse(response.body), { stored: 1 });
  await receiver.waitFor((r) => r.spans.some((span) => span.kindName === 'SERVER' && span.attributes['http.route'] === '/orders/:id'), { timeoutMs: 10_000 });
  const server = receiver.spans.find((span) => span.kindName === 'SERVER' && span.attributes['http.route'] === '/orders/:id')!;
  const inTrace = receiver.spans.filter((span) => span.traceId === server.traceId);
  const spanIds = new Set(inTrace.map((span) => span.spanId));
  const queries = inTrace.filter((span) => span.name.startsWith('pg.query'));
  assert.deepEqual(queries.map((span) => span.attributes['db.query.text']), [
    'INSERT INTO orders (id, card) VALUES ($1, $2)',
    'SELECT id FROM orders WHERE id = $1',
  ]);
  for (const span of queries) {
    assert.equal(span.kindName, 'CLIENT');
    assert.ok(spanIds.has(span.parentSpanId), `${span.name}: its parent is a span of the request`);
    assert.equal(span.attributes['db.system.name'], 'postgresql');
    assert.equal(span.attributes['db.namespace'], 'postgres');
    assert.equal(span.attributes['server.port'], postgres.port);
  }
  assert.ok(!receiver.spans.some((span) => attributesJson(span).includes('card-4111')), 'parameter values are in no span');
});
