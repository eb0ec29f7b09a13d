/**
 * Shutdown: nothing promised is lost, and the process ends exactly as it would without
 * Beacon. Each case runs the same fixture bare and under --import and compares.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture, runToEnd, startApp } from './helpers/app.js';
import { get, load } from './helpers/http.js';
import { type OtlpReceiver, receiverFor } from './helpers/otlp-receiver.js';

// A long schedule delay: spans still buffered at SIGTERM are only delivered by the flush.
const SLOW_EXPORT = { OTEL_BSP_SCHEDULE_DELAY: '60000' };

async function burstThenSigterm(t: Parameters<typeof startApp>[0], script: string, receiver: OtlpReceiver, bare = false) {
  const app = await startApp(t, script, { receiver, env: SLOW_EXPORT, bare, config: { tracing: { sampler: 1 } } });
  const responses = await load(300, 16, (i) => get(`${app.url}/users/${i}`));
  assert.ok(responses.every((response) => response.status === 200));
  return { exit: await app.stop(), app };
}

test('SIGTERM right after a burst: every span arrives, and the process dies by SIGTERM as it does bare', async (t) => {
  const receiver = await receiverFor(t);
  const bare = await burstThenSigterm(t, fixture('express-app.cjs'), receiver, true);
  const beacon = await burstThenSigterm(t, fixture('express-app.cjs'), receiver);

  assert.deepEqual(bare.exit, { code: null, signal: 'SIGTERM' });
  assert.deepEqual(beacon.exit, bare.exit);
  const servers = receiver.spans.filter((span) => span.kindName === 'SERVER');
  assert.equal(servers.length, 300, `received ${servers.length} of 300 server spans`);
});

test('an app with its own SIGTERM handler keeps control of its exit; one line flushes', async (t) => {
  const receiver = await receiverFor(t);
  const bare = await burstThenSigterm(t, fixture('express-app-own-handler.cjs'), receiver, true);
  const beacon = await burstThenSigterm(t, fixture('express-app-own-handler.cjs'), receiver);

  // The handler sets exitCode 3 and lets the loop drain: no process.exit, no signal death.
  assert.deepEqual(bare.exit, { code: 3, signal: null });
  assert.deepEqual(beacon.exit, bare.exit);
  assert.equal(receiver.spans.filter((span) => span.kindName === 'SERVER').length, 300);
});

test('normal exit (the loop runs dry) flushes buffered spans and keeps the exit code', async (t) => {
  const receiver = await receiverFor(t);
  const code = `
    const http = require('node:http');
    const server = http.createServer((req, res) => res.end('ok')).listen(0, '127.0.0.1', () => {
      http.get('http://127.0.0.1:' + server.address().port + '/once', (res) => {
        res.resume();
        res.on('end', () => { server.close(); process.exitCode = 5; });
      });
    });`;
  const { exit } = await runToEnd(['-e', code], { receiver, env: SLOW_EXPORT });
  assert.deepEqual(exit, { code: 5, signal: null });
  assert.deepEqual(receiver.spans.map((span) => span.kindName).sort(), ['CLIENT', 'SERVER']);
});

test('a collector that never answers cannot hold the process past the shutdown deadline', async (t) => {
  const receiver = await receiverFor(t, { hang: true });
  const app = await startApp(t, fixture('express-app.cjs'), {
    receiver,
    env: SLOW_EXPORT,
    config: { shutdown: { timeoutMs: 1500 }, tracing: { otlp: { timeoutMs: 60_000 } } },
  });
  await load(20, 4, (i) => get(`${app.url}/users/${i}`));
  const started = Date.now();
  const exit = await app.stop();
  const elapsed = Date.now() - started;
  assert.deepEqual(exit, { code: null, signal: 'SIGTERM' });
  assert.ok(elapsed < 5000, `took ${elapsed} ms to exit with a 1500 ms shutdown deadline`);
  assert.ok(receiver.requests.length >= 1, 'the export was attempted');
});

test('Beacon listens for SIGTERM/SIGINT only while handleSignals is on', async () => {
  const code = "console.log(process.listenerCount('SIGTERM'), process.listenerCount('SIGINT'))";
  const quiet = { OTEL_TRACES_EXPORTER: 'none', OTEL_LOG_LEVEL: 'warn' };
  assert.equal((await runToEnd(['-e', code], { env: quiet })).stdout.trim(), '1 1');
  assert.equal((await runToEnd(['-e', code], { env: quiet, config: { shutdown: { handleSignals: false } } })).stdout.trim(), '0 0');
});
