/**
 * Beacon's delivery accounting as an operator reads it: the `beacon_exporter_*` series of an
 * app's /metrics, per signal, and a wait until every item has settled; and what a recovered
 * backend receives at SIGTERM.
 */
import assert from 'node:assert/strict';
import type { RunningApp } from './app.js';
import { get } from './http.js';
import type { ReceiverItems } from './otlp-decode.js';
import { pollUntil } from './timing.js';

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

export interface Delivery {
  received: number;
  exported: number;
  dropped: Record<string, number>;
  failed: Record<string, number>;
  queue: number;
  inFlight: number;
}

/** One signal's accounting as the Prometheus endpoint shows it. */
export function deliveryOf(text: string, signal: string): Delivery {
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

export const sum = (counts: Record<string, number>) => Object.values(counts).reduce((total, value) => total + value, 0);
export const settledOf = (delivery: Delivery) => delivery.exported + sum(delivery.dropped) + sum(delivery.failed);

export async function scrape(metricsPort: number): Promise<string> {
  const response = await get(`http://127.0.0.1:${metricsPort}/metrics`);
  assert.equal(response.status, 200);
  return response.body;
}

/** Scrapes until spans and log records have settled to the counts expected (nothing queued or in flight). */
export async function settledDelivery(metricsPort: number, expected: { spans: number; logs: number }, timeoutMs: number) {
  let text = '';
  let spans = deliveryOf('', 'spans');
  let logs = deliveryOf('', 'logs');
  await pollUntil(async () => {
    text = await scrape(metricsPort);
    spans = deliveryOf(text, 'spans');
    logs = deliveryOf(text, 'logs');
    return settledOf(spans) === expected.spans && settledOf(logs) === expected.logs;
  }, timeoutMs, 200);
  return { text, spans, logs };
}

/** After a failing phase, the backend recovered: a last request's spans (fewer than a batch) wait in the queue, and SIGTERM still delivers them. */
export async function assertBufferedSpansDeliveredAtSigterm(app: RunningApp, receiver: ReceiverItems): Promise<void> {
  await get(`${app.url}/users/last`);
  assert.deepEqual(await app.stop(), { code: null, signal: 'SIGTERM' });
  assert.ok(
    receiver.spans.some((span) => span.kindName === 'SERVER' && span.attributes['url.path'] === '/users/last'),
    'the spans buffered at SIGTERM were not delivered',
  );
}
