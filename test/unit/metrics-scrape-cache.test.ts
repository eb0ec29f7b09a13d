// What scrapes share: one collection in flight, its result reused within minIntervalMs,
// each format serialized once into Buffers that add up to exactly the serializer's text,
// a size cap, and no caching of a failed collection.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { toPrometheusNames } from '../../src/metrics/prometheus/names.js';
import { PrometheusText } from '../../src/metrics/prometheus/text.js';
import { PullReader } from '../../src/metrics/prometheus/pull-reader.js';
import { ScrapeCache } from '../../src/metrics/prometheus/scrape-cache.js';
import type { Body } from '../../src/metrics/prometheus/scrape-body.js';

/** A provider with `series` histogram label sets and a gauge that counts collections. */
function setup(series: number) {
  const reader = new PullReader(10_000);
  const provider = new MeterProvider({ readers: [reader] });
  const meter = provider.getMeter('cache-test');
  const histogram = meter.createHistogram('work_duration', { unit: 's' });
  for (let i = 0; i < series; i++) histogram.record(i / series, { route: `/r/${i}`, label: 'quote " and \\ and ü' });
  let collections = 0;
  meter.createObservableCounter('collections').addCallback((result) => result.observe(++collections));
  return { reader, provider, collections: () => collections };
}

const text = (body: Body) => {
  assert.ok(!('overLimit' in body), 'not over the limit');
  return Buffer.concat(body.chunks).toString();
};

test('concurrent scrapes, text and JSON, share one collection; each format is serialized once', async (t) => {
  const { reader, provider, collections } = setup(100);
  t.after(() => provider.shutdown());
  const cache = new ScrapeCache(reader, { minIntervalMs: 0, maxResponseBytes: 1 << 30 });
  const bodies = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? cache.snapshot().json() : cache.snapshot().prometheus())));
  assert.equal(collections(), 1);
  assert.equal(new Set(bodies.filter((_, i) => i % 2 === 0)).size, 1, 'one Prometheus body for all');
  assert.equal(new Set(bodies.filter((_, i) => i % 2 === 1)).size, 1, 'one JSON body for all');
  // minIntervalMs 0: the next scrape after the first is done collects again.
  await cache.snapshot().prometheus();
  assert.equal(collections(), 2);
});

test('within minIntervalMs the result is reused', async (t) => {
  const { reader, provider, collections } = setup(10);
  t.after(() => provider.shutdown());
  const cache = new ScrapeCache(reader, { minIntervalMs: 60_000, maxResponseBytes: 1 << 30 });
  const first = await cache.snapshot().prometheus();
  const second = await cache.snapshot().prometheus();
  assert.equal(second, first);
  assert.equal(collections(), 1);
});

test('the Buffers add up to exactly the serializer text, across many chunks and multibyte labels', async (t) => {
  const { reader, provider } = setup(3000);
  t.after(() => provider.shutdown());
  const cache = new ScrapeCache(reader, { minIntervalMs: 60_000, maxResponseBytes: 1 << 30 });
  const body = await cache.snapshot().prometheus();
  assert.ok(!('overLimit' in body) && body.chunks.length > 10, 'several chunks');
  assert.equal(body.bytes, body.chunks.reduce((total, chunk) => total + chunk.length, 0));
  // The same collection, serialized in one go (the counter of collections aside).
  const expected = new PrometheusText().serialize(toPrometheusNames(await reader.collectNow()));
  const strip = (value: string) => value.replace(/^collections_total \d+$/m, '');
  assert.equal(strip(text(body)), strip(expected));
});

test('over maxResponseBytes: refused on the size bound alone when far over, encoding stopped at the cap when just over', async (t) => {
  const { reader, provider } = setup(3000);
  t.after(() => provider.shutdown());
  const metrics = toPrometheusNames(await reader.collectNow());
  const size = Buffer.byteLength(new PrometheusText().serialize(metrics));
  const { minimumBytes } = new PrometheusText().prepare(metrics);
  const body = (maxResponseBytes: number) => new ScrapeCache(reader, { minIntervalMs: 0, maxResponseBytes }).snapshot().prometheus();

  const far = await body(Math.floor(minimumBytes / 2));
  assert.ok('overLimit' in far && far.bytes >= minimumBytes - 10, `refused on the bound (${minimumBytes}), not after encoding: ${far.bytes}`);
  const cap = Math.floor((minimumBytes + size) / 2);
  const near = await body(cap);
  assert.ok('overLimit' in near && near.bytes > cap && near.bytes < size, `stopped past ${cap}: ${near.bytes} of ${size}`);
  assert.ok(!('overLimit' in (await body(size + 1000))), 'a body under the cap is served');
});

test('a failed collection is not served again', async () => {
  const { reader, provider } = setup(1);
  const cache = new ScrapeCache(reader, { minIntervalMs: 60_000, maxResponseBytes: 1 << 30 });
  await provider.shutdown();
  const failed = cache.snapshot();
  await assert.rejects(failed.prometheus(), /shutdown/);
  const retry = cache.snapshot();
  assert.notEqual(retry, failed, 'the next scrape collects anew');
  await assert.rejects(retry.json(), /shutdown/);
});
