/**
 * The ids a log line is correlated with: those of the span active at the log call, for
 * every call, also when the calls alternate between spans (the ids of a span context are
 * kept between calls), and none outside a span or for an invalid span context.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type SpanContext, TraceFlags, context, trace } from '@opentelemetry/api';
import { perActiveSpan } from '../../src/logging/active-span.js';
import { correlationFields } from '../../src/logging/correlation.js';
import { BeaconContextManager } from '../../src/tracing/context-manager.js';

context.setGlobalContextManager(new BeaconContextManager());

const FIELDS = { traceId: 'trace_id', spanId: 'span_id', traceFlags: 'trace_flags' };
const spanContext = (traceId: string, spanId: string, traceFlags: number): SpanContext => ({ traceId, spanId, traceFlags });
const A = spanContext('0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331', TraceFlags.SAMPLED);
const B = spanContext('4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7', TraceFlags.NONE);
const INVALID = spanContext('00000000000000000000000000000000', 'b7ad6b7169203331', TraceFlags.SAMPLED);

const inSpan = <T>(span: SpanContext, fn: () => T): T => context.with(trace.setSpan(context.active(), trace.wrapSpanContext(span)), fn);

/** The fields a fragment adds to a line (pino writes it after the level and time). */
const fieldsOf = (fragment: string): Record<string, unknown> | null => (fragment === '' ? null : (JSON.parse(`{"level":"info"${fragment}}`) as Record<string, unknown>));
const correlated = (correlation: () => string) => fieldsOf(correlation());

test('structured lines get the active span ids, whichever span was active at the call before', () => {
  const correlation = correlationFields('structured', FIELDS);
  const expectA = { level: 'info', trace_id: A.traceId, span_id: A.spanId, trace_flags: '01' };
  const expectB = { level: 'info', trace_id: B.traceId, span_id: B.spanId, trace_flags: '00' };
  assert.equal(correlation(), '', 'outside a span');
  const seen = [A, A, B, A, INVALID, B, INVALID, INVALID, A].map((span) => inSpan(span, () => correlated(correlation)));
  assert.deepEqual(seen, [expectA, expectA, expectB, expectA, null, expectB, null, null, expectA]);
  assert.equal(correlation(), '', 'outside a span again, after one');
});

test('ECS lines and renamed fields carry the same ids; a name is escaped as JSON', () => {
  const ecs = correlationFields('ecs', FIELDS);
  assert.deepEqual([A, B].map((span) => inSpan(span, () => correlated(ecs))), [
    { level: 'info', 'trace.id': A.traceId, 'span.id': A.spanId },
    { level: 'info', 'trace.id': B.traceId, 'span.id': B.spanId },
  ]);
  const renamed = correlationFields('structured', { traceId: 'traceId', spanId: 'span "id"', traceFlags: 'flags\\' });
  assert.deepEqual(inSpan(B, () => correlated(renamed)), { level: 'info', traceId: B.traceId, 'span "id"': B.spanId, 'flags\\': '00' });
});

test('what a line takes from the active span is worked out once per span context, none for an invalid one', () => {
  const derived: string[] = [];
  const active = perActiveSpan((span) => {
    derived.push(span.spanId);
    return span;
  });
  const seen = [A, A, A, B, B, INVALID, INVALID].map((span) => inSpan(span, active));
  assert.deepEqual(seen, [A, A, A, B, B, undefined, undefined]);
  assert.deepEqual(derived, [A.spanId, B.spanId], 'derived once each time the active span context changes');
  assert.equal(active(), undefined, 'outside a span');
});
