/**
 * Trace and span ids from Beacon's pooled generator (src/tracing/id-generator.ts): valid W3C
 * ids, unique, never all zeros, evenly spread enough for the ratio sampler that reads them,
 * and the generator Beacon's tracer provider is given.
 */
import assert from 'node:assert/strict';
import { randomFillSync } from 'node:crypto';
import { test } from 'node:test';
import { ROOT_CONTEXT, SpanKind, isValidSpanId, isValidTraceId } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import { resolveConfig } from '../../src/index.js';
import { DeliveryAccounts } from '../../src/export/export-accounting.js';
import { PooledIdGenerator } from '../../src/tracing/id-generator.js';
import { tracerProviderOptions } from '../../src/tracing/pipeline.js';
import { createSampler } from '../../src/tracing/sampler.js';

test('ids are valid lowercase hex of the W3C lengths, and unique across many refills of the pool', () => {
  const generator = new PooledIdGenerator();
  const traceIds = new Set<string>();
  const spanIds = new Set<string>();
  for (let i = 0; i < 20_000; i++) {
    const traceId = generator.generateTraceId();
    const spanId = generator.generateSpanId();
    assert.match(traceId, /^[0-9a-f]{32}$/);
    assert.match(spanId, /^[0-9a-f]{16}$/);
    assert.ok(isValidTraceId(traceId) && isValidSpanId(spanId));
    traceIds.add(traceId);
    spanIds.add(spanId);
  }
  assert.equal(traceIds.size, 20_000);
  assert.equal(spanIds.size, 20_000);
});

test('an all-zero id (invalid) is never handed out: the pool moves on', () => {
  let fills = 0;
  // The first pool is all zeros, the next ones random.
  const generator = new PooledIdGenerator((bytes) => (fills++ === 0 ? bytes.fill(0) : randomFillSync(bytes)));
  const traceId = generator.generateTraceId();
  assert.ok(isValidTraceId(traceId), traceId);
  assert.equal(fills, 2);
  assert.ok(isValidSpanId(generator.generateSpanId()));
});

test('the ratio sampler keeps its share of traces with these ids', () => {
  const sampler = createSampler(resolveConfig({ tracing: { sampler: 0.1 } }).config.tracing.sampler);
  const generator = new PooledIdGenerator();
  let kept = 0;
  const count = 40_000;
  for (let i = 0; i < count; i++) {
    if (sampler.shouldSample(ROOT_CONTEXT, generator.generateTraceId(), 'GET', SpanKind.SERVER, {}, []).decision === SamplingDecision.RECORD_AND_SAMPLED) kept++;
  }
  assert.ok(Math.abs(kept / count - 0.1) < 0.01, `kept ${kept / count}`);
});

test("Beacon's tracer provider draws its ids from the pooled generator", async () => {
  const { config } = resolveConfig({ tracing: { exporter: 'none' } });
  const options = await tracerProviderOptions(config, new DeliveryAccounts(), () => undefined);
  assert.ok(options.idGenerator instanceof PooledIdGenerator);
});
