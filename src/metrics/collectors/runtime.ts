/**
 * 'runtime': event loop delay, lag and utilization, GC durations by kind, heap (total, per
 * space, limit), external memory, active handles, requests and resources. OTel-native names
 * here; the Prometheus endpoint shows them under prom-client's names (prometheus/names.ts).
 * Everything is read at collection time except GC, which V8 reports as it happens.
 */
import { type Meter, ValueType } from '../../otel/api.cjs';
import { type EventLoopUtilization, PerformanceObserver, constants, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';

const GC_KINDS: Readonly<Record<number, string>> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

/** prom-client's GC buckets, so its dashboards' heatmaps line up. */
const GC_BUCKETS = [0.001, 0.01, 0.1, 1, 2, 5];

export function startRuntimeCollector(meter: Meter): () => void {
  const gauge = (name: string, unit: string, description: string) =>
    meter.createObservableGauge(name, { unit, description, valueType: ValueType.DOUBLE });
  const delayStats = ['min', 'max', 'mean', 'stddev', 'p50', 'p90', 'p99'] as const;
  const delay = Object.fromEntries(
    delayStats.map((stat) => [stat, gauge(`nodejs.eventloop.delay.${stat}`, 's', `Event loop delay, ${stat}, since the last collection.`)]),
  ) as Record<(typeof delayStats)[number], ReturnType<typeof gauge>>;
  const lag = gauge('nodejs.eventloop.lag', 's', 'Time a callback queued with setImmediate() at the previous collection waited to run.');
  const utilization = gauge('nodejs.eventloop.utilization', '1', 'Share of time the event loop was busy since the last collection.');
  const heapUsed = gauge('v8js.memory.heap.used', 'By', 'V8 heap space used.');
  const heapSpaceSize = gauge('v8js.memory.heap.space.size', 'By', 'V8 heap space size.');
  const heapAvailable = gauge('v8js.memory.heap.space.available_size', 'By', 'V8 heap space available.');
  const heapTotal = gauge('nodejs.memory.heap.total', 'By', 'V8 heap allocated (process.memoryUsage().heapTotal).');
  const heapTotalUsed = gauge('nodejs.memory.heap.used', 'By', 'V8 heap used (process.memoryUsage().heapUsed).');
  const heapLimit = gauge('nodejs.memory.heap.limit', 'By', 'V8 heap size limit.');
  const external = gauge('nodejs.memory.external', 'By', 'Memory of C++ objects bound to JavaScript objects.');
  const handles = gauge('nodejs.active_handles', '{handle}', 'Active libuv handles by type.');
  const handlesTotal = gauge('nodejs.active_handles.total', '{handle}', 'Active libuv handles.');
  const requests = gauge('nodejs.active_requests', '{request}', 'Active libuv requests by type.');
  const requestsTotal = gauge('nodejs.active_requests.total', '{request}', 'Active libuv requests.');
  const resources = gauge('nodejs.active_resources', '{resource}', 'Resources keeping the event loop alive, by type.');
  const resourcesTotal = gauge('nodejs.active_resources.total', '{resource}', 'Resources keeping the event loop alive.');
  const versionInfo = gauge('nodejs.version_info', '1', 'Node.js version info (value 1).');
  const version = process.versions.node;
  const [major = '', minor = '', patch = ''] = version.split('.');
  const versionLabels = { version: `v${version}`, major, minor, patch };

  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let lastElu: EventLoopUtilization = performance.eventLoopUtilization();
  let lastDelay: number[] | null = null;
  // prom-client's lag: from a collection (or the start) to the next turn of the loop, so a
  // collection reports the previous one's measurement (waiting for its own would hold the scrape).
  let lastLag: number | null = null;
  const measureLag = () => {
    const queued = process.hrtime.bigint();
    setImmediate(() => (lastLag = Number(process.hrtime.bigint() - queued) / 1e9)).unref();
  };
  measureLag();

  const observables = [...Object.values(delay), lag, utilization, heapUsed, heapSpaceSize, heapAvailable, heapTotal, heapTotalUsed,
    heapLimit, external, handles, handlesTotal, requests, requestsTotal, resources, resourcesTotal, versionInfo];
  const callback: Parameters<Meter['addBatchObservableCallback']>[0] = (result) => {
    // Delay stats since the last collection (prom-client resets the same way); when no
    // sample was taken in between (back-to-back scrapes), the last stats are repeated.
    if (histogram.count > 0) {
      const s = (ns: number) => ns / 1e9;
      lastDelay = [
        s(histogram.min), s(histogram.max), s(histogram.mean), s(histogram.stddev),
        s(histogram.percentile(50)), s(histogram.percentile(90)), s(histogram.percentile(99)),
      ];
      histogram.reset();
    }
    if (lastDelay) delayStats.forEach((stat, i) => result.observe(delay[stat], lastDelay![i]!));
    if (lastLag !== null) result.observe(lag, lastLag);
    measureLag();
    const elu = performance.eventLoopUtilization();
    result.observe(utilization, performance.eventLoopUtilization(elu, lastElu).utilization);
    lastElu = elu;

    for (const space of getHeapSpaceStatistics()) {
      const attributes = { 'v8js.heap.space.name': space.space_name };
      result.observe(heapUsed, space.space_used_size, attributes);
      result.observe(heapSpaceSize, space.space_size, attributes);
      result.observe(heapAvailable, space.space_available_size, attributes);
    }
    const memory = process.memoryUsage();
    result.observe(heapTotal, memory.heapTotal);
    result.observe(heapTotalUsed, memory.heapUsed);
    result.observe(external, memory.external);
    result.observe(heapLimit, getHeapStatistics().heap_size_limit);

    const byType = new Map<string, number>();
    for (const type of process.getActiveResourcesInfo()) byType.set(type, (byType.get(type) ?? 0) + 1);
    let handleCount = 0;
    let requestCount = 0;
    let resourceCount = 0;
    for (const [type, count] of byType) {
      result.observe(resources, count, { type });
      resourceCount += count;
      // Requests (FSReqCallback, GetAddrInfoReqWrap, …) are not handles.
      if (/Req/.test(type)) {
        result.observe(requests, count, { type });
        requestCount += count;
      } else {
        result.observe(handles, count, { type });
        handleCount += count;
      }
    }
    result.observe(handlesTotal, handleCount);
    result.observe(requestsTotal, requestCount);
    result.observe(resourcesTotal, resourceCount);
    result.observe(versionInfo, 1, versionLabels);
  };
  meter.addBatchObservableCallback(callback, observables);

  const gcDuration = meter.createHistogram('v8js.gc.duration', {
    unit: 's',
    description: 'Garbage collection duration by kind.',
    advice: { explicitBucketBoundaries: GC_BUCKETS },
  });
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = GC_KINDS[((entry as { detail?: unknown }).detail as { kind?: number } | undefined)?.kind ?? -1] ?? 'unknown';
      gcDuration.record(entry.duration / 1000, { 'v8js.gc.type': kind });
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });

  return () => {
    meter.removeBatchObservableCallback(callback, observables);
    histogram.disable();
    gcObserver.disconnect();
  };
}
