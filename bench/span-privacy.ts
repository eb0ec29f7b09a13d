/**
 * What the PrivacyProcessor adds to every span: `onEnding` alone, timed on spans of the
 * shapes HTTP instrumentations produce (server spans with and without a query, client spans
 * with and without one, with and without a secret to rewrite). Spans are started outside
 * the timed loop; medians of the rounds, after one warm-up round.
 */
import type { Attributes } from '@opentelemetry/api';
import { type Span, TracerProvider } from '@opentelemetry/sdk-trace';
import { secretMatcher } from '../src/secrets.js';
import { PrivacyProcessor } from '../src/tracing/privacy-processor.js';
import { median } from './stats.js';

const SHAPES: Record<string, Attributes> = {
  'server, no query': { 'http.request.method': 'GET', 'url.path': '/users/42', 'url.scheme': 'http', 'user_agent.original': 'curl/8.0' },
  'server, 3-parameter query': { 'http.request.method': 'GET', 'url.path': '/search', 'url.query': 'q=shoes&page=2&sort=asc' },
  'server, query with token=': { 'http.request.method': 'GET', 'url.path': '/callback', 'url.query': 'state=1&token=abc123' },
  'client, url.full without query': { 'http.request.method': 'GET', 'url.full': 'http://api.internal:8080/v1/orders/7' },
  'client, url.full with ?token=': { 'http.request.method': 'GET', 'url.full': 'http://api.internal:8080/v1/orders?id=7&token=abc123' },
};

export async function benchSpanPrivacy(rounds: number, spansPerRound = 50_000): Promise<{ shape: string; nsPerSpan: number }[]> {
  const provider = new TracerProvider({ spanLimits: { attributeValueLengthLimit: 4096 } });
  const tracer = provider.getTracer('bench');
  const processor = new PrivacyProcessor(secretMatcher());
  const results = Object.entries(SHAPES).map(([shape, attributes]) => {
    const runs: number[] = [];
    for (let round = 0; round < rounds + 1; round++) {
      const spans = Array.from({ length: spansPerRound }, () => tracer.startSpan('GET', { attributes }) as Span);
      const started = process.hrtime.bigint();
      for (const span of spans) processor.onEnding(span);
      if (round > 0) runs.push(Number(process.hrtime.bigint() - started) / spansPerRound);
    }
    return { shape, nsPerSpan: median(runs) };
  });
  await provider.shutdown();
  return results;
}
