/**
 * The PrivacyProcessor on a real TracerProvider: what an exporter receives has no secrets in
 * URL attributes (stable and old semconv), exception events or the status message, and keeps
 * everything else exactly as the instrumentation set it. The end-to-end run with real
 * instrumentations is fault case 13 (test/faults/privacy.test.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Attributes, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { REDACTED, secretMatcher } from '../../src/secrets.js';
import { PrivacyProcessor } from '../../src/tracing/privacy-processor.js';

function exportedSpan(record: (span: ReturnType<ReturnType<TracerProvider['getTracer']>['startSpan']>) => void, attributeValueLengthLimit = Infinity) {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    spanProcessors: [new PrivacyProcessor(secretMatcher(['ssn'])), new SimpleSpanProcessor({ exporter })],
    spanLimits: { attributeValueLengthLimit },
  });
  const span = provider.getTracer('test').startSpan('GET');
  record(span);
  span.end();
  const [finished] = exporter.getFinishedSpans();
  assert.ok(finished);
  return finished;
}

test('URL attributes lose userinfo and secret query values; other attributes are untouched', () => {
  const attributes: Attributes = {
    'url.full': 'https://svc:pw@api.example/v1/orders?page=2&ToKeN=t1#top',
    'url.path': '/callback?code=c1',
    'url.query': 'page=2&PASSWORD=p1&customer_ssn=123',
    'http.url': 'http://u:p@legacy.example/x?api_key=k1',
    'http.target': '/legacy?Session=s1&sort=asc',
    'http.route': '/orders/:id',
    'user_agent.original': 'curl/8.0 token=abc',
  };
  const span = exportedSpan((s) => s.setAttributes(attributes));
  assert.deepEqual(span.attributes, {
    'url.full': `https://${REDACTED}@api.example/v1/orders?page=2&ToKeN=${REDACTED}#top`,
    'url.path': `/callback?code=${REDACTED}`,
    'url.query': `page=2&PASSWORD=${REDACTED}&customer_ssn=${REDACTED}`,
    'http.url': `http://${REDACTED}@legacy.example/x?api_key=${REDACTED}`,
    'http.target': `/legacy?Session=${REDACTED}&sort=asc`,
    'http.route': '/orders/:id',
    // Not a URL attribute: read on the hot path only where URLs live.
    'user_agent.original': 'curl/8.0 token=abc',
  });
});

test('exception events and the status message lose URL credentials and name=value secrets', () => {
  const error = new Error('cannot reach postgres://app:hunter2@db:5432/orders with password=hunter2 set');
  const span = exportedSpan((s) => {
    s.recordException(error);
    s.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  });
  const expected = `cannot reach postgres://${REDACTED}@db:5432/orders with password=${REDACTED} set`;
  assert.equal(span.status.message, expected);
  const [event] = span.events;
  assert.equal(event?.attributes?.['exception.message'], expected);
  assert.ok(String(event?.attributes?.['exception.stacktrace']).startsWith(`Error: ${expected}\n`));
  assert.ok(!JSON.stringify([span.name, span.attributes, span.events, span.status]).includes('hunter2'));
});

test('a redacted value is held to the span\'s length limit too', () => {
  const span = exportedSpan((s) => s.setAttribute('url.query', 'a=1&t=2&token=x'), 12);
  // Truncated to 12 first ("a=1&t=2&toke": no secret left whole), then left as it is.
  assert.equal(span.attributes['url.query'], 'a=1&t=2&toke');
  const short = exportedSpan((s) => s.setAttribute('url.path', '/p?key=1'), 12);
  assert.equal(short.attributes['url.path'], `/p?key=${REDACTED}`.slice(0, 12));
});
