// @Instrumented() / instrument() and the metrics API wrappers: sync, async, throwing,
// `this`, labels, child spans, and untouched accessors and private members; as TC39
// decorators and, called by hand, as experimentalDecorators calls them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { context, metrics as otelMetrics, trace } from '../../src/otel/api.cjs';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { DataPointType, type Histogram, MeterProvider, type MetricData } from '../../src/otel/sdk-metrics.cjs';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '../../src/otel/sdk-trace.cjs';
import 'reflect-metadata'; // as NestJS loads it: the wrappers must carry a method's metadata
import { Instrumented, instrument } from '../../src/decorators/instrumented.js';
import { metrics } from '../../src/metrics/api/index.js';
import { meterProviderChanged } from '../../src/metrics/api/binding.js';
import { addBeaconHistograms } from '../../src/metrics/api/histogram-producer.js';
import { PullReader } from '../../src/metrics/prometheus/pull-reader.js';
import { sleepAtLeast } from '../helpers/timing.js';

// Declared before any provider exists: must be a no-op now and record once the SDK is up.
const early = metrics.counter('early_calls', { labels: ['kind'] });
early.inc({ kind: 'before-start' });

const spans = new InMemorySpanExporter();
const reader = addBeaconHistograms(new PullReader(100));
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] }));
otelMetrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
meterProviderChanged({ buckets: [0.001, 0.01, 0.1, 1], views: {}, cardinalityLimit: 2000 });

async function collected(name: string): Promise<MetricData | undefined> {
  const resourceMetrics = await reader.collectNow();
  return resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics).find((metric) => metric.descriptor.name === name);
}

function sumOf(metric: MetricData | undefined, labels: Record<string, unknown>): number {
  assert.ok(metric, 'metric exists');
  let total = 0;
  for (const point of metric.dataPoints) {
    if (!Object.entries(labels).every(([key, value]) => point.attributes[key] === value)) continue;
    total += metric.dataPointType === DataPointType.HISTOGRAM ? (point.value as Histogram).count : (point.value as number);
  }
  return total;
}

@Instrumented()
class OrderRepository {
  #secret = 'hidden';
  rows = [1, 2, 3];
  count(): number {
    return this.rows.length;
  }
  async find(id: number): Promise<{ id: number; secret: string }> {
    await sleepAtLeast(5);
    return { id, secret: this.#secret };
  }
  explode(): never {
    throw new TypeError('boom');
  }
  async reject(): Promise<void> {
    await Promise.resolve();
    throw new RangeError('async boom');
  }
  get size(): number {
    return this.rows.length;
  }
  set size(value: number) {
    this.rows = Array.from({ length: value }, (_, i) => i);
  }
  async nested(): Promise<number> {
    return this.count();
  }
}

@Instrumented('Billing')
class BillingService {
  charge(amount: number): number {
    return amount * 2;
  }
}

test('@Instrumented: sync and async methods keep `this` and results, get child spans and component metrics', async () => {
  spans.reset();
  const repo = new OrderRepository();
  const parent = trace.getTracer('test').startSpan('request');
  const result = await context.with(trace.setSpan(context.active(), parent), async () => {
    assert.equal(repo.count(), 3);
    return repo.find(42);
  });
  parent.end();
  assert.deepEqual(result, { id: 42, secret: 'hidden' }, 'private fields reachable through the original this');

  const finished = spans.getFinishedSpans();
  const find = finished.find((span) => span.name === 'OrderRepository.find')!;
  const count = finished.find((span) => span.name === 'OrderRepository.count')!;
  assert.ok(find && count, `spans: ${finished.map((span) => span.name).join(', ')}`);
  assert.equal(find.parentSpanContext?.spanId, parent.spanContext().spanId, 'child of the active span');
  assert.equal(find.spanContext().traceId, parent.spanContext().traceId);
  assert.ok(find.duration[1] >= 5_000_000 || find.duration[0] > 0, 'the span covers the awaited work');

  const calls = await collected('component.calls');
  assert.equal(sumOf(calls, { component: 'OrderRepository', method: 'find' }), 1);
  assert.equal(sumOf(calls, { component: 'OrderRepository', method: 'count' }), 1);
  const duration = await collected('component.duration');
  assert.equal(sumOf(duration, { component: 'OrderRepository', method: 'find' }), 1);

  assert.equal(sumOf(await collected('component.calls'), { component: 'Billing', method: 'charge' }), 0);
  assert.equal(new BillingService().charge(21), 42);
  assert.equal(sumOf(await collected('component.calls'), { component: 'Billing', method: 'charge' }), 1, 'explicit component name');
});

test('@Instrumented: nested calls nest spans; errors are recorded and rethrown untouched', async () => {
  spans.reset();
  const repo = new OrderRepository();
  assert.equal(await repo.nested(), 3);
  const nested = spans.getFinishedSpans().find((span) => span.name === 'OrderRepository.nested')!;
  const inner = spans.getFinishedSpans().find((span) => span.name === 'OrderRepository.count')!;
  assert.equal(inner.parentSpanContext?.spanId, nested.spanContext().spanId);

  const syncError = (() => {
    try {
      repo.explode();
    } catch (error) {
      return error;
    }
  })();
  assert.ok(syncError instanceof TypeError && syncError.message === 'boom', 'the same error object');
  await assert.rejects(repo.reject(), (error: unknown) => error instanceof RangeError && error.message === 'async boom');

  const explode = spans.getFinishedSpans().find((span) => span.name === 'OrderRepository.explode')!;
  assert.equal(explode.status.code, 2 /* ERROR */);
  assert.equal(explode.events[0]?.name, 'exception');
  assert.equal(explode.events[0]?.attributes?.['exception.type'], 'TypeError');

  const errors = await collected('component.errors');
  assert.equal(sumOf(errors, { component: 'OrderRepository', method: 'explode', 'error.type': 'TypeError' }), 1);
  assert.equal(sumOf(errors, { component: 'OrderRepository', method: 'reject', 'error.type': 'RangeError' }), 1);
  assert.equal(sumOf(await collected('component.calls'), { method: 'explode' }), 1, 'failed calls are calls too');
});

test('@Instrumented leaves getters, setters and fields alone', async () => {
  spans.reset();
  const repo = new OrderRepository();
  repo.size = 5;
  assert.equal(repo.size, 5);
  const descriptor = Object.getOwnPropertyDescriptor(OrderRepository.prototype, 'size')!;
  assert.equal(typeof descriptor.get, 'function');
  assert.equal(descriptor.value, undefined);
  assert.deepEqual(spans.getFinishedSpans().map((span) => span.name), []);
  assert.equal(OrderRepository.prototype.count.name, 'count', 'wrapped methods keep their names');
});

test('instrument(object, name) instruments an instance or an object literal in place', async () => {
  spans.reset();
  const cache = instrument(
    {
      hits: 0,
      get(key: string) {
        this.hits++;
        return `value of ${key}`;
      },
    },
    'Cache',
  );
  assert.equal(cache.get('a'), 'value of a');
  assert.equal(cache.hits, 1, '`this` is the object');

  class Mailer {
    sent: string[] = [];
    async send(to: string) {
      this.sent.push(to);
      return to.length;
    }
  }
  const mailer = instrument(new Mailer(), 'Mailer');
  assert.equal(await mailer.send('ann'), 3);
  assert.deepEqual(mailer.sent, ['ann']);
  assert.equal(Mailer.prototype.send === mailer.send, false);
  assert.ok(Object.hasOwn(mailer, 'send'), 'wrapped on the instance, not on the class');
  await new Mailer().send('bob'); // other instances stay uninstrumented

  assert.deepEqual(spans.getFinishedSpans().map((span) => span.name).sort(), ['Cache.get', 'Mailer.send']);
  assert.equal(sumOf(await collected('component.calls'), { component: 'Mailer', method: 'send' }), 1);
});

test('metrics API: typed labels, instruments cached by name, and a call before start is a harmless no-op', async () => {
  const orders = metrics.counter('orders_created', { description: 'Orders.', labels: ['channel', 'region'] });
  orders.inc({ channel: 'web', region: 'eu' });
  orders.add(2, { channel: 'web', region: 'eu' });
  // @ts-expect-error: 'chanel' is not a declared label
  orders.inc({ chanel: 'web' });
  assert.equal(metrics.counter('orders_created'), orders, 'same instrument for the same name');
  assert.throws(() => metrics.histogram('orders_created'), /already a counter/);
  assert.equal(sumOf(await collected('orders_created'), { channel: 'web', region: 'eu' }), 3);

  assert.equal(await collected('early_calls'), undefined, 'the call before start went nowhere');
  early.inc({ kind: 'after-start' });
  assert.equal(sumOf(await collected('early_calls'), { kind: 'after-start' }), 1, 'the early instrument records now');

  const gauge = metrics.gauge('queue_depth', { labels: ['queue'] });
  gauge.set(10, { queue: 'a' });
  gauge.inc({ queue: 'a' }, 5);
  gauge.dec({ queue: 'a' });
  gauge.inc({ queue: 'b' });
  const depth = await collected('queue_depth');
  assert.equal(sumOf(depth, { queue: 'a' }), 14);
  assert.equal(sumOf(depth, { queue: 'b' }), 1);

  const sizes = metrics.histogram('payload_size', { unit: 'By', buckets: [10, 100] });
  sizes.observe(5);
  sizes.record(50);
  const histogram = (await collected('payload_size'))!;
  assert.deepEqual((histogram.dataPoints[0]!.value as Histogram).buckets.boundaries, [10, 100]);
  const timer = metrics.histogram('job_seconds', { unit: 's' }).startTimer({ job: 'x' });
  assert.ok(timer() >= 0);
  const jobs = (await collected('job_seconds'))!;
  assert.deepEqual((jobs.dataPoints[0]!.value as Histogram).buckets.boundaries, [0.001, 0.01, 0.1, 1], 'configured default buckets');

  const inflight = metrics.upDownCounter('inflight');
  inflight.inc();
  inflight.inc();
  inflight.dec();
  assert.equal(sumOf(await collected('inflight'), {}), 1);
});

test('trackDuration / trackActive / trackErrors as wrappers and as decorators', async () => {
  const slowAdd = metrics.trackDuration('add_seconds', { op: 'add' }, async (a: number, b: number) => {
    await sleepAtLeast(20);
    return a + b;
  });
  assert.equal(await slowAdd(1, 2), 3);
  const durations = (await collected('add_seconds'))!;
  assert.equal(durations.descriptor.unit, 's');
  const point = durations.dataPoints.find((p) => p.attributes.op === 'add')!;
  assert.equal((point.value as Histogram).count, 1);
  assert.ok((point.value as Histogram).sum! >= 0.02, `async duration measured to settlement: ${(point.value as Histogram).sum}`);

  const parse = metrics.trackErrors('parse_errors', { format: 'json' }, (text: string) => JSON.parse(text) as unknown);
  assert.deepEqual(parse('{"a":1}'), { a: 1 });
  assert.throws(() => parse('{'), SyntaxError);
  assert.equal(sumOf(await collected('parse_errors'), { format: 'json', error_type: 'SyntaxError' }), 1);

  let activeDuringCall = -1;
  class Worker {
    factor = 3;
    @metrics.trackActive('jobs_active', { queue: 'q1' })
    @metrics.trackDuration('job_duration', { queue: 'q1' })
    async run(value: number): Promise<number> {
      activeDuringCall = sumOf(await collected('jobs_active'), { queue: 'q1' });
      return value * this.factor;
    }
    @metrics.trackErrors('worker_errors')
    fail(): void {
      throw new Error('nope');
    }
  }
  const worker = new Worker();
  assert.equal(await worker.run(2), 6, '`this` preserved through stacked decorators');
  assert.equal(activeDuringCall, 1, 'active while running');
  assert.equal(sumOf(await collected('jobs_active'), { queue: 'q1' }), 0, 'back to 0 after');
  assert.equal(sumOf(await collected('job_duration'), { queue: 'q1' }), 1);
  assert.throws(() => worker.fail(), /nope/);
  assert.equal(sumOf(await collected('worker_errors'), { error_type: 'Error' }), 1);
});

test('experimentalDecorators calls (NestJS): @Instrumented(constructor), method decorators (prototype, key, descriptor), metadata kept', async () => {
  spans.reset();
  class Catalog {
    find(id: number): number {
      return id * 2;
    }
  }
  // What a framework's method decorator (NestJS's @Get, @Cron) declares, and finds the method by.
  Reflect.defineMetadata('route', ':id', Catalog.prototype.find);
  const descriptor = Object.getOwnPropertyDescriptor(Catalog.prototype, 'find')!;
  Object.defineProperty(Catalog.prototype, 'find', metrics.trackDuration('catalog_find', { store: 'memory' })(Catalog.prototype, 'find', descriptor));
  assert.equal(Instrumented()(Catalog), Catalog);

  assert.equal(new Catalog().find(21), 42);
  assert.equal(Reflect.getMetadata('route', Catalog.prototype.find), ':id', 'the wrappers carry the metadata');
  assert.equal(Catalog.prototype.find.name, 'find');
  assert.deepEqual(spans.getFinishedSpans().map((span) => span.name), ['Catalog.find']);
  assert.equal(sumOf(await collected('component.calls'), { component: 'Catalog', method: 'find' }), 1);
  assert.equal(sumOf(await collected('catalog_find'), { store: 'memory' }), 1);
});

test('@Instrumented: calls in flight per component and method, back to 0 when they settle or throw', async () => {
  const repo = new OrderRepository();
  const running = [repo.find(1), repo.find(2)];
  assert.equal(sumOf(await collected('component.active_calls'), { component: 'OrderRepository', method: 'find' }), 2);
  await Promise.all(running);
  assert.equal(sumOf(await collected('component.active_calls'), { component: 'OrderRepository', method: 'find' }), 0);
  assert.throws(() => repo.explode());
  await assert.rejects(repo.reject());
  const afterFailures = await collected('component.active_calls');
  assert.equal(sumOf(afterFailures, { component: 'OrderRepository', method: 'explode' }), 0);
  assert.equal(sumOf(afterFailures, { component: 'OrderRepository', method: 'reject' }), 0);
});
