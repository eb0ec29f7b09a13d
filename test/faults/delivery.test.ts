/**
 * Delivery and accounting (issue 8, cases 1, 2, 3 and the drop-counting half of 11): apps
 * under the register entry, a real OTLP receiver with fault modes, a fixed-rate loopback
 * load, and the app's own /metrics and /metrics.json read as an operator would.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MetricsSummary } from '../../src/metrics/summary.js';
import { type RunningApp, fixture, get, startApp } from '../helpers/app.js';
import { type OtlpReceiver, receiverFor } from '../helpers/otlp-receiver.js';
import { freePort } from '../helpers/prometheus.js';
import { perWindow, rateLoad } from '../helpers/rate-load.js';
import { pollUntil } from '../helpers/timing.js';
import { recordCase } from './report.js';

const app = fixture('delivery-app.mjs');
const number = (value: number) => value.toLocaleString('en-US');

/** A config sending every signal to `receiver`, with the metrics endpoint on `metricsPort`. */
function configFor(receiver: OtlpReceiver, metricsPort: number, extra: { logs?: boolean; metricsPush?: boolean } = {}) {
  return {
    service: { name: 'delivery', detectors: [] },
    tracing: { endpoint: `${receiver.url}/v1/traces`, sampler: { ratio: 1 } },
    logging: {
      outputs: extra.logs ? ['console', 'otlp'] : ['console'],
      otlp: { endpoint: `${receiver.url}/v1/logs` },
    },
    metrics: {
      collectors: [],
      exporters: extra.metricsPush ? ['prometheus', 'otlp'] : ['prometheus'],
      interval: 1,
      otlp: { endpoint: `${receiver.url}/v1/metrics` },
      prometheus: { host: '127.0.0.1', port: metricsPort },
    },
  };
}

type Labels = Record<string, string>;

/** Every `beacon_exporter_*` sample of a Prometheus text, e.g. `{ name, labels, value }`. */
function exporterSamples(text: string): { name: string; labels: Labels; value: number }[] {
  const samples = [];
  for (const match of text.matchAll(/^(beacon_exporter_\w+)(?:\{([^}]*)\})? (\S+)$/gm)) {
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((label) => [label[1]!, label[2]!]));
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

interface Delivery {
  received: number;
  exported: number;
  dropped: Record<string, number>;
  failed: Record<string, number>;
  queue: number;
  inFlight: number;
}

/** One signal's accounting as the Prometheus endpoint shows it. */
function deliveryOf(text: string, signal: string): Delivery {
  const samples = exporterSamples(text).filter((sample) => sample.labels.signal === signal);
  const value = (name: string, outcome?: string, reason?: string) =>
    samples.find((sample) => sample.name === name && sample.labels.outcome === outcome && sample.labels.reason === reason)?.value ?? NaN;
  const reasons = (outcome: string) =>
    Object.fromEntries(samples.filter((sample) => sample.name === 'beacon_exporter_items_total' && sample.labels.outcome === outcome).map((sample) => [sample.labels.reason!, sample.value]));
  return {
    received: value('beacon_exporter_items_received_total'),
    exported: value('beacon_exporter_items_total', 'exported'),
    dropped: reasons('dropped'),
    failed: reasons('failed'),
    queue: value('beacon_exporter_queue_size'),
    inFlight: value('beacon_exporter_in_flight'),
  };
}

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((total, value) => total + value, 0);
const settledOf = (delivery: Delivery) => delivery.exported + sum(delivery.dropped) + sum(delivery.failed);

async function scrape(metricsPort: number): Promise<string> {
  const response = await get(`http://127.0.0.1:${metricsPort}/metrics`);
  assert.equal(response.status, 200);
  return response.body;
}

async function summary(metricsPort: number): Promise<MetricsSummary> {
  return JSON.parse((await get(`http://127.0.0.1:${metricsPort}/metrics.json`)).body) as MetricsSummary;
}

/** Beacon's warning lines on stderr, without the start-up line and the endpoint probe. */
function warnings(running: RunningApp): string[] {
  return running
    .stderr()
    .split('\n')
    .filter((line) => line.startsWith('[beacon]') && !/ on Node\.js | answers$/.test(line));
}

const workPath = (spans: number, logs: number) => (seq: number) => `/work?seq=${seq}&spans=${spans}&logs=${logs}`;

test('case 3: exporter health on /metrics and /metrics.json after a known number of exported and failed items', async (t) => {
  const receiver = await receiverFor(t);
  const metricsPort = await freePort();
  const config = configFor(receiver, metricsPort, { logs: true, metricsPush: true });
  const running = await startApp(t, app, {
    config: { ...config, tracing: { ...config.tracing, batch: { maxQueueSize: 1000, scheduledDelayMs: 100 } } },
  });
  // 20 requests × 5 spans and 3 log lines: 100 spans, 60 log records, accepted.
  for (let seq = 0; seq < 20; seq++) assert.equal((await get(`${running.url}${workPath(5, 3)(seq)}`)).status, 200);
  await receiver.waitFor((r) => r.spans.length >= 100 && r.logs.length >= 60 && r.metrics.length > 0, { timeoutMs: 15_000 });
  // Then the receiver refuses (400, not retried): 10 requests × 5 spans and 3 log lines fail.
  receiver.setOptions({ status: 400 });
  for (let seq = 20; seq < 30; seq++) assert.equal((await get(`${running.url}${workPath(5, 3)(seq)}`)).status, 200);
  const spansRejected = () => receiver.requests.filter((request) => request.signal === 'traces' && request.statusCode === 400).reduce((n, request) => n + request.itemCount, 0);
  const logsRejected = () => receiver.requests.filter((request) => request.signal === 'logs' && request.statusCode === 400).reduce((n, request) => n + request.itemCount, 0);
  await receiver.waitFor(() => spansRejected() >= 50 && logsRejected() >= 30, { timeoutMs: 15_000 });

  let text = '';
  let spans: Delivery | undefined;
  let logs: Delivery | undefined;
  // The last rejected answers are being counted as the receiver sends them.
  await pollUntil(async () => {
    text = await scrape(metricsPort);
    spans = deliveryOf(text, 'spans');
    logs = deliveryOf(text, 'logs');
    return spans.failed.rejected === 50 && logs.failed.rejected === 30;
  }, 10_000, 100);
  const json = await summary(metricsPort);
  const metricPoints = deliveryOf(text, 'metrics');
  const durationCount = Number(/^beacon_exporter_duration_seconds_count\{signal="spans",outcome="exported"\} (\d+)$/m.exec(text)?.[1]);
  const capacity = Number(/^beacon_exporter_queue_capacity\{signal="spans"\} (\d+)$/m.exec(text)?.[1]);
  const expected = {
    spans: { received: 150, exported: 100, dropped: { queue_full: 0, held_back: 0 }, failed: { deadline: 0, rejected: 50, network: 0, other: 0 }, queue: 0, inFlight: 0 },
    logs: { received: 90, exported: 60, dropped: { queue_full: 0, held_back: 0 }, failed: { deadline: 0, rejected: 30, network: 0, other: 0 }, queue: 0, inFlight: 0 },
  };
  const passed =
    JSON.stringify(spans) === JSON.stringify(expected.spans) &&
    JSON.stringify(logs) === JSON.stringify(expected.logs) &&
    capacity === 1000 &&
    durationCount >= 1 &&
    metricPoints.exported > 0 &&
    json.exporters.spans?.exported === 100 &&
    json.exporters.spans?.failed.rejected === 50 &&
    json.exporters.logs?.exported === 60 &&
    json.exporters.spans?.queue?.capacity === 1000;
  recordCase({
    id: '3',
    title: 'Exporter health on /metrics and /metrics.json',
    setup: 'delivery-app under register; receiver accepts 100 spans + 60 log records, then answers 400 to 50 spans + 30 log records; metrics pushed over OTLP every 1 s',
    criterion: 'beacon_exporter_items_total / _items_received_total / _queue_size / _queue_capacity / _in_flight / _duration_seconds show exactly those counts per signal and reason; /metrics.json `exporters` the same',
    measured: `spans ${JSON.stringify(spans)}, logs ${JSON.stringify(logs)}, span queue capacity ${capacity}, span export durations ${durationCount}, metric points exported ${metricPoints.exported}; /metrics.json spans exported ${json.exporters.spans?.exported}, rejected ${json.exporters.spans?.failed.rejected}`,
    passed,
  });
  assert.deepEqual(spans, expected.spans);
  assert.deepEqual(logs, expected.logs);
  assert.equal(capacity, 1000);
  assert.ok(durationCount >= 1, 'export durations recorded');
  assert.ok(metricPoints.exported > 0 && metricPoints.received === settledOf(metricPoints) + metricPoints.inFlight, JSON.stringify(metricPoints));
  assert.deepEqual(json.exporters.spans, {
    received: 150,
    exported: 100,
    dropped: { queue_full: 0, held_back: 0 },
    failed: { deadline: 0, rejected: 50, network: 0, other: 0 },
    queue: { size: 0, capacity: 1000 },
    in_flight: 0,
    export_duration: json.exporters.spans!.export_duration,
  });
  assert.ok(json.exporters.spans!.export_duration.count >= 2, 'exported and failed exports timed');
  assert.equal(json.exporters.logs?.exported, 60);
});
