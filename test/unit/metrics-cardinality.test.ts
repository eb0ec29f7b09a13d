// The cardinality limit keeps a label leak bounded and visible (an overflow series), and
// per-metric views set buckets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { metrics } from '../../src/metrics/api/index.js';
import { metricsText } from '../../src/metrics/prometheus/app-handler.js';
import { startMetricsModule } from '../helpers/metrics-endpoint.js';

test('cardinality limit: series beyond the limit land in one visible overflow series; views set buckets', async (t) => {
  await startMetricsModule(t, {
    collectors: [],
    cardinalityLimit: 5,
    views: { upload_size: { buckets: [1, 2, 3] } },
    prometheus: { server: false },
  });
  const requests = metrics.counter('user_requests', { labels: ['user'] });
  for (let i = 0; i < 50; i++) requests.inc({ user: `u${i}` });
  metrics.histogram('upload_size', { unit: 'By' }).observe(2.5);

  const text = await metricsText();
  const series = text.split('\n').filter((line) => line.startsWith('user_requests_total{'));
  assert.equal(series.length, 5, series.join('\n'));
  const overflow = series.find((line) => line.includes('otel_metric_overflow="true"'));
  assert.ok(overflow, 'an overflow series');
  const total = series.reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
  assert.equal(total, 50, 'nothing lost: the overflow series counts the rest');
  assert.match(text, /^upload_size_bytes_bucket\{le="3"\} 1$/m);
  assert.match(text, /^upload_size_bytes_bucket\{le="2"\} 0$/m);
});
