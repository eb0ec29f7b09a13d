import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { ROOT_CONTEXT, SpanKind, TraceFlags, trace, type Attributes } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import { resolveConfig, type SamplerOptions } from '../../src/index.js';
import { createSampler, TokenBucket } from '../../src/tracing/sampler.js';

function samplerFor(options: SamplerOptions | number) {
  return createSampler(resolveConfig({ tracing: { sampler: options } }).config.tracing.sampler);
}

const newTraceId = () => randomBytes(16).toString('hex');

function keptShare(options: SamplerOptions | number, attributes: Attributes, count = 4000): number {
  const sampler = samplerFor(options);
  let kept = 0;
  for (let i = 0; i < count; i++) {
    const result = sampler.shouldSample(ROOT_CONTEXT, newTraceId(), 'GET', SpanKind.SERVER, attributes, []);
    if (result.decision === SamplingDecision.RECORD_AND_SAMPLED) kept++;
  }
  return kept / count;
}

const rules: SamplerOptions = {
  ratio: 0.5,
  rules: [
    { path: '/health', ratio: 0 },
    { path: '/checkout/**', ratio: 1 },
    { method: 'DELETE', ratio: 1 },
    { attributes: { 'tenant.tier': 'free' }, ratio: 0 },
  ],
};

test('health route is never sampled, a forced route always is, others at the default ratio', () => {
  assert.equal(keptShare(rules, { 'url.path': '/health', 'http.request.method': 'GET' }), 0);
  assert.equal(keptShare(rules, { 'url.path': '/health?verbose=1', 'http.request.method': 'GET' }), 0);
  assert.equal(keptShare(rules, { 'url.path': '/checkout/cart/42', 'http.request.method': 'POST' }), 1);
  assert.equal(keptShare(rules, { 'url.path': '/users/1', 'http.request.method': 'delete' }), 1);
  assert.equal(keptShare(rules, { 'url.path': '/users/1', 'http.request.method': 'GET', 'tenant.tier': 'free' }), 0);
  const share = keptShare(rules, { 'url.path': '/users/1', 'http.request.method': 'GET' });
  assert.ok(share > 0.45 && share < 0.55, `default ratio 0.5, kept ${share}`);
});

test('the first matching rule wins', () => {
  const options: SamplerOptions = { ratio: 1, rules: [{ path: '/a/*', ratio: 0 }, { path: '/a/b', ratio: 1 }] };
  assert.equal(keptShare(options, { 'url.path': '/a/b' }, 200), 0);
  // '*' stays within one segment.
  assert.equal(keptShare(options, { 'url.path': '/a/b/c' }, 200), 1);
});

test('a sampled remote parent wins over rules and cap when parent-based', () => {
  const sampler = samplerFor({ ratio: 0, maxPerSecond: 1, rules: [{ path: '/health', ratio: 0 }] });
  const parent = trace.setSpanContext(ROOT_CONTEXT, { traceId: newTraceId(), spanId: '0123456789abcdef', traceFlags: TraceFlags.SAMPLED, isRemote: true });
  for (let i = 0; i < 50; i++) {
    const result = sampler.shouldSample(parent, newTraceId(), 'GET', SpanKind.SERVER, { 'url.path': '/health' }, []);
    assert.equal(result.decision, SamplingDecision.RECORD_AND_SAMPLED);
  }
});

test('not parent-based: the caller\'s decision is ignored, the rules decide', () => {
  const sampler = samplerFor({ ratio: 0, parentBased: false });
  const parent = trace.setSpanContext(ROOT_CONTEXT, { traceId: newTraceId(), spanId: '0123456789abcdef', traceFlags: TraceFlags.SAMPLED, isRemote: true });
  assert.equal(sampler.shouldSample(parent, newTraceId(), 'GET', SpanKind.SERVER, {}, []).decision, SamplingDecision.NOT_RECORD);
});

test('the token bucket allows the burst capacity, then the refill rate', () => {
  let now = 0;
  const bucket = new TokenBucket(10, () => now);
  let allowed = 0;
  for (let i = 0; i < 100; i++) if (bucket.take()) allowed++;
  assert.equal(allowed, 10);
  now = 500; // half a second refills five tokens
  allowed = 0;
  for (let i = 0; i < 100; i++) if (bucket.take()) allowed++;
  assert.equal(allowed, 5);
  now = 60_000; // long idle: capped at capacity, not a minute's worth
  allowed = 0;
  for (let i = 0; i < 100; i++) if (bucket.take()) allowed++;
  assert.equal(allowed, 10);
});

test('the per-second cap holds under a burst, whatever the rules say', () => {
  const sampler = samplerFor({ ratio: 1, maxPerSecond: 20, rules: [{ path: '/checkout/**', ratio: 1 }] });
  const started = performance.now();
  let kept = 0;
  let offered = 0;
  while (performance.now() - started < 1000) {
    offered++;
    const result = sampler.shouldSample(ROOT_CONTEXT, newTraceId(), 'GET', SpanKind.SERVER, { 'url.path': '/checkout/pay' }, []);
    if (result.decision === SamplingDecision.RECORD_AND_SAMPLED) kept++;
  }
  const elapsed = (performance.now() - started) / 1000;
  assert.ok(offered > 1000, `burst of ${offered}`);
  // Capacity 20 up front plus 20 per second of refill; allow one token of timing slack.
  assert.ok(kept <= 20 + Math.ceil(20 * elapsed) + 1, `kept ${kept} in ${elapsed.toFixed(2)} s`);
  assert.ok(kept >= 20 + Math.floor(20 * elapsed * 0.8), `kept ${kept} in ${elapsed.toFixed(2)} s`);
});

test('the sampler describes itself for the debug dump', () => {
  assert.match(samplerFor(rules).toString(), /RuleBasedSampler\{ratio=0\.5, rules=\[path=\/health→0; path=\/checkout\/\*\*→1/);
});
