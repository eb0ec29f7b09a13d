/**
 * Fault cases 4 and 5: what a broken OTLP backend may cost the app. Apps run under the
 * register entry against the receiver's fault modes; each case records its measurements
 * (report.ts) before asserting.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { fixture, type RunningApp, spawnApp, startApp } from '../helpers/app.js';
import { stopChild } from '../helpers/child.js';
import { get } from '../helpers/http.js';
import { refusedUrl } from '../helpers/net.js';
import { type OtlpReceiver, type OtlpReceiverOptions, type ReceivedRequest, receiverFor } from '../helpers/otlp-receiver.js';
import { pollUntil, sleepAtLeast } from '../helpers/timing.js';
import { recordCase } from './report.js';

const EXPORT_DEADLINE_MS = 1500;
const SHUTDOWN_MS = 3000;
/** Short deadlines and a short batch delay, so that a case sees several exports fail within seconds. */
const CONFIG = {
  tracing: { sampler: 1, otlp: { timeoutMs: EXPORT_DEADLINE_MS }, batch: { scheduledDelayMs: 200 } },
  logging: { outputs: ['console', 'otlp'], otlp: { timeoutMs: EXPORT_DEADLINE_MS } },
  shutdown: { timeoutMs: SHUTDOWN_MS },
};

interface Stats { fds: number; handles: number }
async function stats(app: RunningApp): Promise<Stats> {
  const { fds, handles } = JSON.parse((await get(`${app.url}/stats`)).body) as { fds: number; handles: string[] };
  return { fds, handles: handles.length };
}

/** Requests to the app every 50 ms for `ms`: spans and log lines that leave in batches. */
async function traffic(app: RunningApp, ms: number): Promise<void> {
  for (const until = performance.now() + ms; performance.now() < until; await sleepAtLeast(50)) await get(`${app.url}/work`);
}

const exportRequests = (requests: readonly ReceivedRequest[]) => requests.filter((request) => request.signal === 'traces' || request.signal === 'logs');

/** Time from SIGTERM to exit, the receiver in its fault mode and spans buffered. */
async function sigtermExit(t: TestContext, endpoint: string, config: object = CONFIG): Promise<number> {
  const app = await startApp(t, fixture('fault-app.cjs'), { receiver: { url: endpoint }, config });
  await traffic(app, 600);
  const started = performance.now();
  const exit = await app.stop();
  assert.deepEqual(exit, { code: null, signal: 'SIGTERM' });
  return performance.now() - started;
}

/** Time from the app's last piece of work to its exit when its loop runs dry (killed past `giveUpMs`). */
async function normalEndExit(endpoint: string, config: object = CONFIG, giveUpMs = SHUTDOWN_MS + 10_000): Promise<number> {
  const child = spawnApp(fixture('fault-app-ends.cjs'), { receiver: { url: endpoint }, config });
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk));
  const { code } = await stopChild(child, null, giveUpMs);
  const ended = Date.now();
  const done = Number(/^done (\d+)$/m.exec(stdout)?.[1]);
  assert.ok(done > 0, `no 'done' line in stdout:\n${stdout.slice(-500)}`);
  return code === 0 ? ended - done : Infinity;
}

for (const [id, title, mode] of [
  ['4a', 'Black-hole collector (accepts, never answers)', { hang: true }],
  ['4b', 'Drip collector (1 byte/s)', { dripMs: 1000 }],
] as const) {
  test(`case ${id}: ${title} — exports end at their deadline with their sockets closed, nothing leaks, exits stay bounded`, async (t) => {
    const receiver = await receiverFor(t);
    const app = await startApp(t, fixture('fault-app.cjs'), { receiver, config: CONFIG });
    await traffic(app, 1000);
    await receiver.waitFor((r) => r.spans.length > 0 && r.logs.length > 0, { description: 'healthy exports of spans and logs' });
    await sleepAtLeast(500);
    const baseline = await stats(app);

    receiver.setOptions(mode as OtlpReceiverOptions);
    const faultStart = receiver.requests.length;
    await traffic(app, 6000);
    const during = await stats(app);
    receiver.setOptions({});
    const faulted = () => exportRequests(receiver.requests.slice(faultStart)).filter((request) => request.statusCode === 0);
    // Every faulted export's connection ends by the client's hand within its deadline (+1 s to see it).
    await pollUntil(() => faulted().every((request) => request.closedAt !== undefined), EXPORT_DEADLINE_MS + 3000);
    await traffic(app, 500);
    const settled = await pollUntil(async () => {
      const now = await stats(app);
      return now.fds <= baseline.fds + 2 && now.handles <= baseline.handles + 2;
    }, 5000, 200);
    const after = await stats(app);
    const lifetimes = faulted().map((request) => (request.closedAt ?? Infinity) - request.startedAt);
    const longest = Math.max(...lifetimes);
    const closedByClient = faulted().filter((request) => request.closedBy === 'client').length;
    await app.stop();

    const sigterm = await sigtermExit(t, await faultyEndpoint(t, mode as OtlpReceiverOptions));
    const normal = await normalEndExit(await faultyEndpoint(t, mode as OtlpReceiverOptions));
    const limit = SHUTDOWN_MS + 1000;
    const passed = faulted().length > 0 && longest <= EXPORT_DEADLINE_MS + 1000 && closedByClient === faulted().length && settled && sigterm <= limit && normal <= limit;
    recordCase({
      id,
      title,
      setup: `fault-app under --import, requests every 50 ms for 6 s, tracing and log OTLP export deadline ${EXPORT_DEADLINE_MS} ms, batch delay 200 ms, shutdown.timeoutMs ${SHUTDOWN_MS}`,
      criterion: `every export request closed by the client within deadline + 1 s (${EXPORT_DEADLINE_MS + 1000} ms); fds and handles back to baseline (+2); SIGTERM and normal end exit within shutdown.timeoutMs + 1 s (${limit} ms)`,
      measured: `${faulted().length} export requests hit the fault, ${closedByClient} of them closed by the client, longest open ${Math.round(longest)} ms; fds ${baseline.fds} → ${during.fds} during → ${after.fds} after; handles ${baseline.handles} → ${during.handles} → ${after.handles}; exit after SIGTERM ${Math.round(sigterm)} ms, after a normal end ${Math.round(normal)} ms`,
      passed,
      upstream: id === '4b' ? 'stock exporter (idle timeout): 0 of 30 requests ever closed; fds 34 → 68, handles 2 → 36 in 50 s (issue 8)' : undefined,
    });
    assert.ok(faulted().length > 0, 'no export reached the faulty receiver');
    assert.ok(longest <= EXPORT_DEADLINE_MS + 1000, `an export request stayed open ${Math.round(longest)} ms: ${lifetimes.map(Math.round).join(', ')}`);
    assert.equal(closedByClient, faulted().length, 'faulted export requests whose connection the client closed');
    assert.ok(settled, `fds/handles did not return to baseline: ${JSON.stringify({ baseline, during, after })}`);
    assert.ok(sigterm <= limit, `SIGTERM exit took ${Math.round(sigterm)} ms`);
    assert.ok(normal <= limit, `normal end took ${Math.round(normal)} ms to exit`);
  });
}

const CANARY = 'canary-deep-in-the-error-body-7c1e';
/** A long error page with a secret-looking canary far past any prefix worth logging. */
const LONG_ERROR_BODY = `rejected: ${'x'.repeat(4000)} ${CANARY} ${'y'.repeat(1000)}`;

type Mode = OtlpReceiverOptions | 'refused';
const ERROR_MODES: [string, Mode, boolean][] = [
  ['refused', 'refused', false],
  ['reset', { reset: true }, false],
  ['5 MiB response', { responseBytes: 5 * 1024 * 1024 }, false],
  ['400', { status: 400, body: LONG_ERROR_BODY }, true],
  ['401', { status: 401, body: LONG_ERROR_BODY }, true],
  ['413', { status: 413, body: LONG_ERROR_BODY }, true],
];

async function endpointFor(t: TestContext, mode: Mode): Promise<{ url: string; receiver: OtlpReceiver | null }> {
  if (mode === 'refused') return { url: await refusedUrl(), receiver: null };
  const receiver = await receiverFor(t, mode);
  return { url: receiver.url, receiver };
}

test('case 5a: refused, reset, > 4 MiB response, 400/401/413 — no crash, one request per batch for non-retryables, bodies quoted only by their start', async (t) => {
  const rows: string[] = [];
  const problems: string[] = [];
  for (const [name, mode, nonRetryable] of ERROR_MODES) {
    const { url, receiver } = await endpointFor(t, mode);
    const app = await startApp(t, fixture('fault-app.cjs'), { receiver: { url }, env: { OTEL_LOG_LEVEL: 'debug' }, config: CONFIG });
    await get(`${app.url}/one-batch`);
    if (receiver) await receiver.waitFor((r) => r.requests.some((request) => request.signal === 'traces'), { description: 'the span export' });
    // A retry would come ~1 s after the failure; counted before anything else makes spans.
    await sleepAtLeast(2000);
    const traceRequests = receiver?.requests.filter((request) => request.signal === 'traces').length ?? 0;
    const stillServing = (await get(`${app.url}/stats`)).status === 200;
    const exit = await app.stop();
    const quoted = /HTTP \d{3} \((rejected: x+)…\)/.exec(app.stderr())?.[1];
    rows.push(`${name}: ${receiver ? `${traceRequests} span request(s) for 1 batch, ` : ''}${quoted ? `warning quotes ${quoted.length} chars, ` : ''}exit ${exit.signal ?? exit.code}`);
    if (!stillServing || exit.signal !== 'SIGTERM') problems.push(`${name}: app hurt (serving ${stillServing}, exit ${JSON.stringify(exit)})`);
    if (nonRetryable && traceRequests !== 1) problems.push(`${name}: ${traceRequests} requests for one batch`);
    if (app.stderr().includes(CANARY)) problems.push(`${name}: the error body's canary reached stderr`);
    if (nonRetryable && !quoted) problems.push(`${name}: no warning quoting the start of the body:\n${app.stderr().slice(-800)}`);
  }
  recordCase({
    id: '5a',
    title: 'Refused / reset / > 4 MiB response / non-retryable 400, 401, 413',
    setup: 'fault-app under --import with diagnostics at debug; one request → one span batch and one log batch per receiver mode; error bodies of 5 KB with a canary after 4000 characters',
    criterion: 'the app keeps serving and dies by SIGTERM as it does bare; exactly one span request per batch for 400/401/413; the canary never on stderr, the warning quotes at most 120 characters of the body',
    measured: rows.join('; '),
    passed: problems.length === 0,
  });
  assert.deepEqual(problems, []);
});

test('case 5b: refused, reset, > 4 MiB response, 400/401/413 — no start-up delay', async (t) => {
  // Best of three, alternating with a healthy receiver: the machine is shared, single start-ups are noisy.
  const startup = async (url: string) => {
    const started = performance.now();
    const app = await startApp(t, fixture('fault-app.cjs'), { receiver: { url }, config: CONFIG });
    const ms = performance.now() - started;
    await app.stop('SIGKILL');
    return ms;
  };
  const healthy = (await receiverFor(t)).url;
  const best = new Map<string, number>();
  for (let round = 0; round < 3; round++) {
    for (const [name, mode] of [['healthy', {}] as [string, Mode], ...ERROR_MODES]) {
      const ms = await startup(name === 'healthy' ? healthy : (await endpointFor(t, mode)).url);
      best.set(name, Math.min(best.get(name) ?? Infinity, ms));
    }
  }
  const baseline = best.get('healthy')!;
  const slow = [...best].filter(([, ms]) => ms > baseline + 300);
  recordCase({
    id: '5b',
    title: 'Start-up with a refused / reset / > 4 MiB / 400-413 backend',
    setup: 'fault-app under --import, time from spawn to listening, best of 3 per receiver mode, alternating with a healthy receiver',
    criterion: 'start-up ≤ the healthy receiver\'s + 300 ms',
    measured: [...best].map(([name, ms]) => `${name} ${Math.round(ms)} ms`).join(', '),
    passed: slow.length === 0,
  });
  assert.deepEqual(slow, []);
});

test('case 4c: SIGTERM and a normal end with a dead, black-hole or drip backend for traces and logs, default deadlines — exit within shutdown.timeoutMs + 1 s', async (t) => {
  // Defaults: export deadlines 10 s, shutdown.timeoutMs 5 s; only the OTLP log output is added.
  const limit = 5000 + 1000;
  const config = { logging: { outputs: ['console', 'otlp'] } };
  const exits: [string, number][] = [];
  for (const [name, endpoint] of [
    ['refused', await refusedUrl()],
    ['black hole', await faultyEndpoint(t, { hang: true })],
    ['1 byte/s drip', await faultyEndpoint(t, { dripMs: 1000 })],
  ] as const) {
    exits.push([`${name}, normal end`, await normalEndExit(endpoint, config, 20_000)]);
    exits.push([`${name}, SIGTERM`, await sigtermExit(t, endpoint, config)]);
  }
  const slow = exits.filter(([, ms]) => ms > limit);
  recordCase({
    id: '4c',
    title: 'SIGTERM and normal end with a dead / black-hole / drip backend (default deadlines)',
    setup: 'fault-app-ends under --import (20 requests to itself, then its loop runs dry) and fault-app (0.6 s of requests, then SIGTERM); traces and OTLP logs to the faulty backend; tracing/logging timeoutMs 10 s, shutdown.timeoutMs 5 s (defaults)',
    criterion: `exit within shutdown.timeoutMs + 1 s (${limit} ms) of the app's last piece of work, or of SIGTERM`,
    measured: exits.map(([name, ms]) => `${name}: ${Math.round(ms)} ms`).join('; '),
    passed: slow.length === 0,
    upstream: 'before this fix (issue 8): 8.4 s with the trace endpoint refused, ~5.4 s more with a dead log receiver (0.75 s healthy)',
  });
  assert.deepEqual(slow, []);
});

/** A fresh receiver in `mode`, closed with the test. */
async function faultyEndpoint(t: TestContext, mode: OtlpReceiverOptions): Promise<string> {
  return (await receiverFor(t, mode)).url;
}
