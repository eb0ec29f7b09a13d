/**
 * Delivery and accounting (issue 8, cases 1, 2, 3 and the drop-counting half of 11): apps
 * under the register entry, a real OTLP receiver with fault modes, a fixed-rate loopback
 * load, and the app's own /metrics and /metrics.json read as an operator would.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MetricsSummary } from '../../src/metrics/prometheus/summary.js';
import { type RunningApp, fixture, startApp } from '../helpers/app.js';
import { get } from '../helpers/http.js';
import { freePort, refusedUrl } from '../helpers/net.js';
import { type OtlpReceiver, receiverFor } from '../helpers/otlp-receiver.js';
import { perWindow, rateLoad } from '../helpers/rate-load.js';
import { type Delivery, deliveryOf, scrape, settledDelivery, settledOf, sum } from '../helpers/delivery.js';
import { pollUntil } from '../helpers/timing.js';
import { recordCase } from './report.js';

const app = fixture('delivery-app.mjs');
const number = (value: number) => value.toLocaleString('en-US');

/** A config sending every signal to `receiver`, with the metrics endpoint on `metricsPort`. */
function configFor(receiver: OtlpReceiver, metricsPort: number, extra: { logs?: boolean; metricsPush?: boolean } = {}) {
  return {
    service: { name: 'delivery', detectors: [] },
    tracing: { otlp: { endpoint: `${receiver.url}/v1/traces` }, sampler: { ratio: 1 } },
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
  // Then the receiver refuses (400, not retried): 10 requests × 5 spans and 3 log lines fail —
  // as rejected when they reach it, as held back when the backoff after a 400 kept them from it.
  receiver.setOptions({ status: 400 });
  for (let seq = 20; seq < 30; seq++) assert.equal((await get(`${running.url}${workPath(5, 3)(seq)}`)).status, 200);
  const rejectedBy = (signal: string) =>
    receiver.requests.filter((request) => request.signal === signal && request.statusCode === 400).reduce((n, request) => n + request.itemCount, 0);

  const { text, spans, logs } = await settledDelivery(metricsPort, { spans: 150, logs: 90 }, 15_000);
  const rejected = { spans: rejectedBy('traces'), logs: rejectedBy('logs') };
  const json = await summary(metricsPort);
  const metricPoints = deliveryOf(text, 'metrics');
  const durationCount = Number(/^beacon_exporter_duration_seconds_count\{signal="spans",outcome="exported"\} (\d+)$/m.exec(text)?.[1]);
  const capacity = Number(/^beacon_exporter_queue_capacity\{signal="spans"\} (\d+)$/m.exec(text)?.[1]);
  const expected = {
    spans: {
      received: 150,
      exported: 100,
      dropped: { queue_full: 0, held_back: 50 - rejected.spans },
      failed: { deadline: 0, rejected: rejected.spans, network: 0, other: 0 },
      queue: 0,
      inFlight: 0,
    },
    logs: {
      received: 90,
      exported: 60,
      dropped: { queue_full: 0, held_back: 30 - rejected.logs },
      failed: { deadline: 0, rejected: rejected.logs, network: 0, other: 0 },
      queue: 0,
      inFlight: 0,
    },
  };
  const passed =
    rejected.spans > 0 &&
    JSON.stringify(spans) === JSON.stringify(expected.spans) &&
    JSON.stringify(logs) === JSON.stringify(expected.logs) &&
    capacity === 1000 &&
    durationCount >= 1 &&
    metricPoints.exported > 0 &&
    json.exporters.spans?.exported === 100 &&
    json.exporters.spans?.failed.rejected === rejected.spans &&
    json.exporters.logs?.exported === 60 &&
    json.exporters.spans?.queue?.capacity === 1000;
  recordCase({
    id: '3',
    title: 'Exporter health on /metrics and /metrics.json',
    setup: 'delivery-app under register; receiver accepts 100 spans + 60 log records, then answers 400 to the next 50 spans + 30 log records; metrics pushed over OTLP every 1 s',
    criterion: 'beacon_exporter_items_total / _items_received_total / _queue_size / _queue_capacity / _in_flight / _duration_seconds show exactly those counts per signal: exported as received, failed `rejected` = items the receiver answered 400, the rest `held_back` by the backoff; /metrics.json `exporters` the same',
    measured: `spans ${JSON.stringify(spans)}, logs ${JSON.stringify(logs)}, span queue capacity ${capacity}, span export durations ${durationCount}, metric points exported ${metricPoints.exported}; receiver answered 400 to ${rejected.spans} spans, ${rejected.logs} log records; /metrics.json spans exported ${json.exporters.spans?.exported}, rejected ${json.exporters.spans?.failed.rejected}`,
    passed,
  });
  assert.ok(rejected.spans > 0 && rejected.logs > 0, 'the first failed export of each signal reached the receiver');
  assert.deepEqual(spans, expected.spans);
  assert.deepEqual(logs, expected.logs);
  assert.equal(capacity, 1000);
  assert.ok(durationCount >= 1, 'export durations recorded');
  assert.ok(metricPoints.exported > 0 && metricPoints.received === settledOf(metricPoints) + metricPoints.inFlight, JSON.stringify(metricPoints));
  assert.deepEqual(json.exporters.spans, {
    received: 150,
    exported: 100,
    dropped: expected.spans.dropped,
    failed: expected.spans.failed,
    queue: { size: 0, capacity: 1000 },
    in_flight: 0,
    export_duration: json.exporters.spans!.export_duration,
  });
  assert.ok(json.exporters.spans!.export_duration.count >= 2, 'exported and failed exports timed');
  assert.equal(json.exporters.logs?.exported, 60);
});

/** 200 requests/s × 10 spans: the issue's ~2,000 spans/s, well within what either app serves here. */
const REQUESTS_PER_SECOND = 200;
const SPANS_PER_REQUEST = 10;

test('case 1: a healthy receiver gets every span at ~2,000 spans/s, with no warning and the throughput of the app without Beacon', async (t) => {
  const receiver = await receiverFor(t);
  const metricsPort = await freePort();
  const config = configFor(receiver, metricsPort);
  const [beacon, bare] = await Promise.all([
    startApp(t, app, { config }),
    startApp(t, app, { config, env: { OTEL_SDK_DISABLED: 'true' } }),
  ]);
  // Interleaved 5 s rounds, so that both apps see the same machine (other work on these shared cores comes and goes).
  const rounds = 3;
  const totals = { beacon: { ok: 0, ms: 0, failed: 0 }, bare: { ok: 0, ms: 0, failed: 0 } };
  let seq = 0;
  for (let round = 0; round < rounds; round++) {
    for (const [name, running] of [['beacon', beacon], ['bare', bare]] as const) {
      const result = await rateLoad(running.url, REQUESTS_PER_SECOND, 5000, workPath(SPANS_PER_REQUEST, 0), seq);
      seq += result.sent;
      totals[name].ok += result.ok;
      totals[name].failed += result.failed;
      totals[name].ms += result.elapsedMs;
    }
  }
  const ended = totals.beacon.ok * SPANS_PER_REQUEST;
  await receiver.waitFor((r) => r.spans.length >= ended, { timeoutMs: 15_000, description: `${ended} spans` }).catch(() => undefined);
  const delivery = deliveryOf(await scrape(metricsPort), 'spans');
  const rate = (total: { ok: number; ms: number }) => (total.ok / total.ms) * 1000;
  const ratio = rate(totals.beacon) / rate(totals.bare);
  const lines = warnings(beacon);
  const passed = receiver.spans.length === ended && delivery.exported === ended && lines.length === 0 && ratio >= 0.95 && totals.beacon.failed === 0;
  recordCase({
    id: '1',
    title: 'Healthy receiver, ~2,000 spans/s',
    setup: `delivery-app under register, 100 % sampling, ${REQUESTS_PER_SECOND} requests/s × ${SPANS_PER_REQUEST} spans (open-loop, fixed rate) for 3 × 5 s, interleaved with the same app under OTEL_SDK_DISABLED=true at the same rate`,
    criterion: 'spans received == spans ended (and == beacon_exporter_items_total exported); no warning line; achieved request rate ≥ 95 % of the app without Beacon',
    measured: `ended ${number(ended)}, received ${number(receiver.spans.length)}, exported ${number(delivery.exported)}, dropped ${sum(delivery.dropped)}, failed ${sum(delivery.failed)}; warnings ${lines.length}; ${rate(totals.beacon).toFixed(1)} vs ${rate(totals.bare).toFixed(1)} requests/s without Beacon (ratio ${ratio.toFixed(3)}); failed requests ${totals.beacon.failed}`,
    passed,
  });
  assert.equal(totals.beacon.failed, 0);
  assert.equal(receiver.spans.length, ended);
  assert.equal(delivery.exported, ended);
  assert.deepEqual(lines, []);
  assert.ok(ratio >= 0.95, `throughput ratio ${ratio}`);
});

test('case 2: 503 for 30 s then recovery: the app keeps its throughput, what ends after recovery arrives, every item is accounted with its reason', async (t) => {
  const receiver = await receiverFor(t, { status: 503 });
  const metricsPort = await freePort();
  // The queue holds the newest spans while the collector fails and notices recovery within
  // MAX_HOLD_MS (5 s): room for 10 s of spans at this rate loses nothing ended after recovery.
  const config = configFor(receiver, metricsPort, { logs: true });
  const running = await startApp(t, app, { config: { ...config, tracing: { ...config.tracing, batch: { maxQueueSize: 20_000 } } } });
  const LOGS_PER_REQUEST = 2;
  const failing = rateLoad(running.url, REQUESTS_PER_SECOND, 30_000, workPath(SPANS_PER_REQUEST, LOGS_PER_REQUEST));
  const failingResult = await failing;
  receiver.setOptions({ status: 200 });
  const recoveredFrom = failingResult.sent;
  const recovered = await rateLoad(running.url, REQUESTS_PER_SECOND, 5000, workPath(SPANS_PER_REQUEST, LOGS_PER_REQUEST), recoveredFrom);
  const lines = warnings(running); // before shutdown: the load's minute

  const ended = { spans: (failingResult.ok + recovered.ok) * SPANS_PER_REQUEST, logs: (failingResult.ok + recovered.ok) * LOGS_PER_REQUEST };
  const endedAfterRecovery = recovered.ok * SPANS_PER_REQUEST;
  const arrivedAfterRecovery = () => receiver.spans.filter((span) => Number(span.attributes.seq) >= recoveredFrom).length;
  const { spans, logs } = await settledDelivery(metricsPort, ended, 12_000);
  const json = await summary(metricsPort);

  const windows = [...perWindow(failingResult.completions, 5000, 30_000), ...perWindow(recovered.completions, 5000, 5000)];
  const perWindowTarget = REQUESTS_PER_SECOND * 5;
  const worstWindow = Math.min(...windows) / perWindowTarget;
  const linesPerSignal = (signal: string) => lines.filter((line) => line.startsWith(`[beacon] ${signal}:`));
  const withCounts = /^\[beacon\] (spans|logs): [\d,]+ (dropped|failed) \(.+\)(, [\d,]+ failed \(.+\))? in the last [\d,]+ s; [\d,]+ exported$/;
  const reasonsSeen = (delivery: Delivery) =>
    [...Object.entries(delivery.dropped), ...Object.entries(delivery.failed)].filter(([, value]) => value > 0).map(([reason, value]) => `${reason} ${number(value)}`).join(', ');
  const passed =
    worstWindow >= 0.9 &&
    arrivedAfterRecovery() === endedAfterRecovery &&
    settledOf(spans) === ended.spans &&
    settledOf(logs) === ended.logs &&
    receiver.spans.length === spans.exported &&
    receiver.logs.length === logs.exported &&
    linesPerSignal('spans').length <= 1 &&
    linesPerSignal('logs').length <= 1 &&
    lines.every((line) => withCounts.test(line)) &&
    json.exporters.spans?.exported === spans.exported;
  recordCase({
    id: '2',
    title: '503 for 30 s, then recovery',
    setup: `delivery-app under register, 100 % sampling, tracing.batch.maxQueueSize 20,000 (10 s of spans), ${REQUESTS_PER_SECOND} requests/s × (${SPANS_PER_REQUEST} spans + ${LOGS_PER_REQUEST} OTLP log records); receiver answers 503 for 30 s, then 200 for 5 s more load`,
    criterion: 'every 5 s window ≥ 90 % of the offered rate (what the app achieves without Beacon, case 1); every span ended after recovery arrives; exported + dropped + failed == ended for spans and log records once settled, each with its reason, read from /metrics (and /metrics.json); ≤ 1 warning line per signal in the minute, carrying the counts',
    measured: `worst 5 s window ${(worstWindow * 100).toFixed(1)} % (${windows.join(', ')} requests per window); spans ended ${number(ended.spans)} = exported ${number(spans.exported)} + ${reasonsSeen(spans)} (settled ${number(settledOf(spans))}); received ${number(receiver.spans.length)}; ended after recovery ${number(endedAfterRecovery)}, arrived ${number(arrivedAfterRecovery())}; log records ended ${number(ended.logs)} = exported ${number(logs.exported)} + ${reasonsSeen(logs)} (settled ${number(settledOf(logs))}); warning lines: ${lines.map((line) => `"${line}"`).join(' ')}`,
    passed,
  });
  assert.ok(worstWindow >= 0.9, `worst 5 s window ${worstWindow}: ${windows.join(', ')}`);
  assert.equal(settledOf(spans), ended.spans, JSON.stringify(spans));
  assert.equal(settledOf(logs), ended.logs, JSON.stringify(logs));
  assert.equal(receiver.spans.length, spans.exported);
  assert.equal(receiver.logs.length, logs.exported);
  assert.equal(json.exporters.spans?.exported, spans.exported);
  assert.ok(sum(spans.dropped) + sum(spans.failed) > 0, 'the 503s cost spans');
  assert.equal(arrivedAfterRecovery(), endedAfterRecovery, 'spans ended after recovery');
  assert.ok(linesPerSignal('spans').length <= 1 && linesPerSignal('logs').length <= 1, lines.join('\n'));
  assert.ok(linesPerSignal('spans').length === 1, 'the losses were reported');
  for (const line of lines) assert.match(line, withCounts);
});

test('case 11 (drops): a log flood with the OTLP log receiver down keeps every line on stdout and counts the drops', async (t) => {
  const receiver = await receiverFor(t);
  const metricsPort = await freePort();
  const config = configFor(receiver, metricsPort, { logs: true });
  const running = await startApp(t, app, {
    config: { ...config, tracing: { enabled: false }, logging: { ...config.logging, otlp: { endpoint: `${await refusedUrl()}/v1/logs` } } },
  });
  const FLOOD = 20_000;
  const REQUESTS = 3;
  for (let i = 0; i < REQUESTS; i++) assert.equal((await get(`${running.url}/flood?count=${FLOOD}&from=${i * FLOOD}`)).status, 200);
  const total = FLOOD * REQUESTS;
  const stdoutLines = () => running.stdout().split('\n').filter((line) => line.includes('"flood line"')).length;
  await pollUntil(() => stdoutLines() >= total, 20_000, 100);
  const logs = deliveryOf(await scrape(metricsPort), 'logs');
  const distinct = new Set(running.stdout().split('\n').flatMap((line) => /"flood":(\d+)/.exec(line)?.[1] ?? [])).size;
  await pollUntil(() => warnings(running).some((line) => line.startsWith('[beacon] logs:')), 5000, 100);
  const lines = warnings(running);
  const passed =
    stdoutLines() === total &&
    distinct === total &&
    logs.received === total &&
    logs.exported === 0 &&
    logs.dropped.queue_full! > 0 &&
    settledOf(logs) + logs.queue + logs.inFlight === total &&
    lines.filter((line) => line.startsWith('[beacon] logs:')).length === 1;
  recordCase({
    id: '11a',
    title: 'Log flood, OTLP log receiver down (drops)',
    setup: `delivery-app under register, outputs console + otlp, the otlp endpoint refusing connections; ${number(total)} lines logged in ${REQUESTS} synchronous bursts`,
    criterion: 'stdout has every line once; beacon_exporter_items_received_total{signal="logs"} == lines logged == exported + dropped + failed + queued + in flight, with the queue_full drops counted; one report line for logs',
    measured: `stdout ${number(stdoutLines())} lines (${number(distinct)} distinct); logs received ${number(logs.received)}, exported ${logs.exported}, dropped ${JSON.stringify(logs.dropped)}, failed ${JSON.stringify(logs.failed)}, queued ${logs.queue}, in flight ${logs.inFlight}; report: ${lines.filter((line) => line.startsWith('[beacon] logs:')).join(' ')}`,
    passed,
  });
  assert.equal(stdoutLines(), total);
  assert.equal(distinct, total);
  assert.equal(logs.received, total);
  assert.equal(logs.exported, 0);
  assert.ok(logs.dropped.queue_full! > 0, JSON.stringify(logs));
  assert.equal(settledOf(logs) + logs.queue + logs.inFlight, total);
  assert.equal(lines.filter((line) => line.startsWith('[beacon] logs:')).length, 1, lines.join('\n'));
});
