/**
 * The soak (`npm run soak`, not in CI: it takes 10 minutes). One app under the register
 * entry at a steady rate while its OTLP receiver cycles ok / 503 / black hole / 1 byte/s
 * drip every minute. Passes when, after a 2-minute warm-up, RSS grows by less than 1 MB a
 * minute, open fds stay flat, no request fails, and every span and log record is accounted
 * for exactly. RSS is read after a full collection in the app (so it is what the process
 * keeps, not when V8 last collected); it still rises while the receiver fails (the queues
 * fill) and falls when it answers again, so growth is measured from one whole cycle of the
 * four phases to the next (mean per cycle), not by a straight line through the saw teeth. SOAK_MINUTES and
 * SOAK_PHASE_SECONDS shorten it for a try.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { type RunningApp, fixture, startApp } from '../helpers/app.js';
import { deliveryOf, scrape, settledOf } from '../helpers/delivery.js';
import { get } from '../helpers/http.js';
import { freePort } from '../helpers/net.js';
import { type OtlpReceiverOptions, receiverFor } from '../helpers/otlp-receiver.js';
import { rateLoad } from '../helpers/rate-load.js';
import { pollUntil } from '../helpers/timing.js';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const PHASE_MS = Number(process.env.SOAK_PHASE_SECONDS ?? 60) * 1000;
const WARM_UP_MS = Math.min(2 * 60_000, (MINUTES * 60_000) / 5);
const SAMPLE_MS = 5000;
const REQUESTS_PER_SECOND = 100;
const SPANS_PER_REQUEST = 5;
const LOGS_PER_REQUEST = 1;

const PHASES: [string, OtlpReceiverOptions][] = [
  ['ok', {}],
  ['503', { status: 503 }],
  ['black hole', { hang: true }],
  ['drip 1 byte/s', { dripMs: 1000 }],
];

interface Sample {
  atMs: number;
  /** After a full collection in the app (its /memory route): what it keeps, not when V8 last collected. */
  rssMb: number;
  heapMb: number;
  /** Memory of C++ objects bound to JS (Buffers among them): where off-heap growth would show. */
  externalMb: number;
  /** Pages V8 holds for the main heap, what V8 itself malloc'ed, and the worker threads' heaps (the log transports). */
  heapCommittedMb: number;
  mallocedMb: number;
  workersMb: number;
  fds: number;
}

async function sampleOf(app: RunningApp, atMs: number): Promise<Sample> {
  const memory = JSON.parse((await get(`${app.url}/memory`)).body) as NodeJS.MemoryUsage & { heapCommitted: number; malloced: number; workersHeapCommitted: number };
  const mb = (bytes: number) => bytes / 2 ** 20;
  return {
    atMs,
    rssMb: mb(memory.rss),
    heapMb: mb(memory.heapUsed),
    externalMb: mb(memory.external),
    heapCommittedMb: mb(memory.heapCommitted),
    mallocedMb: mb(memory.malloced),
    workersMb: mb(memory.workersHeapCommitted),
    fds: readdirSync(`/proc/${app.child.pid}/fd`).length,
  };
}

/** Growth per minute of `value` from the first whole receiver cycle after warm-up to the last (the mean of each); null with fewer than two. */
function growthPerCycle(samples: readonly Sample[], cycleMs: number, value: (sample: Sample) => number): number | null {
  const cycles = new Map<number, number[]>();
  for (const sample of samples) {
    const cycle = Math.floor((sample.atMs - WARM_UP_MS) / cycleMs);
    if (sample.atMs >= WARM_UP_MS && WARM_UP_MS + (cycle + 1) * cycleMs <= samples.at(-1)!.atMs + SAMPLE_MS) cycles.set(cycle, [...(cycles.get(cycle) ?? []), value(sample)]);
  }
  const means = [...cycles.entries()].sort(([a], [b]) => a - b).map(([, values]) => values.reduce((s, v) => s + v, 0) / values.length);
  if (means.length < 2) return null;
  return (means.at(-1)! - means[0]!) / (((means.length - 1) * cycleMs) / 60_000);
}

/** Least-squares slope of y over x. */
function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

test(`soak: ${MINUTES} min at ${REQUESTS_PER_SECOND} requests/s with the receiver cycling ok / 503 / black hole / drip every ${PHASE_MS / 1000} s`, { timeout: MINUTES * 60_000 + 120_000 }, async (t) => {
  const receiver = await receiverFor(t);
  const metricsPort = await freePort();
  const app = await startApp(t, fixture('delivery-app.mjs'), {
    env: { NODE_OPTIONS: `--expose-gc --import ${pathToFileURL(fixture('worker-heaps.mjs')).href}` },
    config: {
      service: { name: 'soak', detectors: [] },
      // The memory samples (GET /memory) are the soak's, not the app's traffic: no span for them.
      tracing: { otlp: { endpoint: `${receiver.url}/v1/traces`, timeoutMs: 5000 }, sampler: { ratio: 1 }, ignorePaths: ['/memory'] },
      logging: { outputs: [{ type: 'console', level: 'warn' }, 'otlp'], otlp: { endpoint: `${receiver.url}/v1/logs`, timeoutMs: 5000 } },
      metrics: { collectors: ['runtime', 'http'], prometheus: { host: '127.0.0.1', port: metricsPort } },
    },
  });
  const samples: Sample[] = [];
  const started = Date.now();
  let seq = 0;
  let ok = 0;
  let failed = 0;
  const phasesSeen: string[] = [];
  while (Date.now() - started < MINUTES * 60_000) {
    const [name, options] = PHASES[Math.floor((Date.now() - started) / PHASE_MS) % PHASES.length]!;
    if (phasesSeen.at(-1) !== name) {
      phasesSeen.push(name);
      receiver.setOptions(options);
    }
    const result = await rateLoad(app.url, REQUESTS_PER_SECOND, SAMPLE_MS, (n) => `/work?seq=${n}&spans=${SPANS_PER_REQUEST}&logs=${LOGS_PER_REQUEST}`, seq);
    seq += result.sent;
    ok += result.ok;
    failed += result.failed;
    samples.push(await sampleOf(app, Date.now() - started));
  }
  // The end: the receiver answers again and everything settles.
  receiver.setOptions({});
  let spans = deliveryOf('', 'spans');
  let logs = deliveryOf('', 'logs');
  await pollUntil(async () => {
    const text = await scrape(metricsPort);
    [spans, logs] = [deliveryOf(text, 'spans'), deliveryOf(text, 'logs')];
    return spans.queue + spans.inFlight + logs.queue + logs.inFlight === 0;
  }, 60_000, 500);

  const answered = (signal: string) =>
    receiver.requests.filter((r) => r.signal === signal && r.statusCode >= 200 && r.statusCode < 300).reduce((n, r) => n + r.itemCount, 0);
  const afterWarmUp = samples.filter((sample) => sample.atMs >= WARM_UP_MS);
  const rssSlope = slope(afterWarmUp.map(({ atMs, rssMb }) => ({ x: atMs / 60_000, y: rssMb })));
  const rssGrowth = growthPerCycle(samples, PHASES.length * PHASE_MS, (sample) => sample.rssMb) ?? rssSlope;
  const partOf = (name: string, value: (sample: Sample) => number) =>
    `${name} ${value(afterWarmUp[0]!).toFixed(1)} → ${value(afterWarmUp.at(-1)!).toFixed(1)} MB, growth ${(growthPerCycle(samples, PHASES.length * PHASE_MS, value) ?? 0).toFixed(2)} MB/min`;
  const fdsSlope = slope(afterWarmUp.map(({ atMs, fds }) => ({ x: atMs / 60_000, y: fds })));
  // Momentary samples swing with the sockets in use (the load's connections, exports in flight): a trend is what leaks.
  const fdsGrowth = growthPerCycle(samples, PHASES.length * PHASE_MS, (sample) => sample.fds) ?? fdsSlope;
  const fds = afterWarmUp.map((sample) => sample.fds);
  console.log(
    [
      `phases: ${phasesSeen.join(' → ')}`,
      `requests ok ${ok}, failed ${failed}`,
      `RSS after warm-up ${afterWarmUp[0]?.rssMb.toFixed(1)} → ${afterWarmUp.at(-1)?.rssMb.toFixed(1)} MB (min ${Math.min(...afterWarmUp.map((s) => s.rssMb)).toFixed(1)}, max ${Math.max(...afterWarmUp.map((s) => s.rssMb)).toFixed(1)}); growth cycle to cycle ${rssGrowth.toFixed(2)} MB/min (straight-line slope ${rssSlope.toFixed(2)})`,
      [partOf('heap after GC', (s) => s.heapMb), partOf('external', (s) => s.externalMb), partOf('main heap committed', (s) => s.heapCommittedMb), partOf('V8 malloced', (s) => s.mallocedMb), partOf('worker heaps committed', (s) => s.workersMb)].join('; '),
      `fds ${Math.min(...fds)}..${Math.max(...fds)}, growth cycle to cycle ${fdsGrowth.toFixed(2)}/min (straight-line slope ${fdsSlope.toFixed(2)})`,
      `spans received ${spans.received} = settled ${settledOf(spans)} (exported ${spans.exported}; the receiver answered 2xx for ${answered('traces')})`,
      `logs received ${logs.received} = settled ${settledOf(logs)} (exported ${logs.exported}; the receiver answered 2xx for ${answered('logs')})`,
    ].join('\n'),
  );
  assert.equal(failed, 0, 'app requests failed');
  assert.ok(rssGrowth < 1, `RSS grows ${rssGrowth.toFixed(2)} MB/min after warm-up`);
  assert.ok(Math.abs(fdsGrowth) < 0.5, `fds grow ${fdsGrowth.toFixed(2)}/min: ${fds.join(', ')}`);
  assert.equal(spans.received, ok * SPANS_PER_REQUEST);
  assert.equal(settledOf(spans), spans.received);
  assert.equal(settledOf(logs), logs.received);
  // A black hole or a drip records what it got but never answers: the app cannot count that as exported.
  assert.equal(answered('traces'), spans.exported);
  assert.equal(answered('logs'), logs.exported);
});
