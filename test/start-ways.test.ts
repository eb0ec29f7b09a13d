/**
 * Every way of starting Beacon instruments an app alike: the package's register entry under
 * --import, the app's own register file holding the config in code (startMonitoring()
 * awaited under --import), and the register entry under --require (NODE_OPTIONS, as
 * platforms inject it), for an ESM and a CommonJS express app. Compared at the OTLP
 * receiver: span names and kinds, http.route, the client span, and the app's own pino lines
 * carrying the trace id.
 */
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { type TestContext, test } from 'node:test';
import { configFile, fixture, runToEnd, startApp } from './helpers/app.js';
import { get } from './helpers/http.js';
import { receiverFor } from './helpers/otlp-receiver.js';
import { pollUntil } from './helpers/timing.js';

const WAYS = {
  'the register entry': { bare: true, env: { NODE_OPTIONS: '--import beacon-otel/register' } },
  'its own register file': { bare: true, env: { NODE_OPTIONS: `--import ${pathToFileURL(fixture('own-register.mjs')).href}` } },
  '--require': { bare: true, env: { NODE_OPTIONS: '--require beacon-otel/register' } },
} as const;

async function telemetryOf(t: TestContext, app: string, way: keyof typeof WAYS) {
  const receiver = await receiverFor(t);
  const { bare, env } = WAYS[way];
  const running = await startApp(t, fixture(app), { bare, env: { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'items', OTEL_BSP_SCHEDULE_DELAY: '100' } });
  // Under --require the signals come up after the app's first line: the start-up line says when.
  assert.ok(await pollUntil(() => running.stderr().includes('beacon-otel 0.1'), 10_000, 20), running.stderr());
  assert.equal((await get(`${running.url}/items/7`)).status, 200);
  assert.ok(await pollUntil(() => receiver.spans.some((span) => span.name === 'GET /items/:id'), 15_000, 100), `${way}: spans ${receiver.spans.map((s) => s.name).join(', ')}\n${running.stderr()}`);
  const server = receiver.spans.find((span) => span.name === 'GET /items/:id')!;
  const trace = receiver.spans.filter((span) => span.traceId === server.traceId);
  const line = running.stdout().split('\n').find((text) => text.includes('item read'));
  assert.ok(line, `${way}: the app's log line\n${running.stdout()}`);
  return {
    spans: trace.map((span) => `${span.kindName} ${span.name}`).sort(),
    route: server.attributes['http.route'],
    logTraceId: (JSON.parse(line) as { trace_id?: string }).trace_id,
    traceId: server.traceId,
    startLine: running.stderr().split('\n').find((text) => text.includes('beacon-otel')),
  };
}

for (const [app, kind] of [['items-app.mjs', 'ESM'], ['items-app.cjs', 'CJS']] as const) {
  test(`${kind} express app: its own register file and --require instrument it exactly as the register entry does`, async (t) => {
    const viaEntry = await telemetryOf(t, app, 'the register entry');
    const viaOwn = await telemetryOf(t, app, 'its own register file');
    const viaRequire = await telemetryOf(t, app, '--require');
    for (const result of [viaEntry, viaOwn, viaRequire]) {
      assert.equal(result.route, '/items/:id');
      assert.ok(result.spans.includes('CLIENT GET'), result.spans.join(', '));
      assert.equal(result.logTraceId, result.traceId, "the app's pino line leads to the trace");
      assert.match(result.startLine ?? '', new RegExp(`on Node\\.js \\S+ ${kind}, service items`));
    }
    assert.deepEqual(viaOwn.spans, viaEntry.spans);
    assert.deepEqual(viaRequire.spans, viaEntry.spans);
  });
}

test('tracers an app takes at its first line, from either build of the API (ES module or CommonJS), record once Beacon is up, under --import and --require', async () => {
  for (const preload of ['--import', '--require']) {
    const { exit, stdout, stderr } = await runToEnd([fixture('early-tracers.mjs')], {
      bare: true,
      env: { NODE_OPTIONS: `${preload} beacon-otel/register`, OTEL_TRACES_SAMPLER: 'always_on', OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none' },
    });
    assert.equal(exit.code, 0, stderr);
    assert.deepEqual(JSON.parse(stdout), { esm: true, cjs: true }, `${preload}: ${stdout}`);
  }
});

test('--require: a bad config stops the app before it starts (exit 78), as with --import', async () => {
  const { exit, stdout, stderr } = await runToEnd(['-e', "console.log('the app ran')"], {
    bare: true,
    env: { NODE_OPTIONS: '--require beacon-otel/register', BEACON_CONFIG: configFile({ tracing: { sampler: 1.5 } }) },
  });
  assert.deepEqual(exit, { code: 78, signal: null });
  assert.equal(stdout, '');
  assert.match(stderr, /^\[beacon\] invalid monitoring config: tracing\.sampler: /);
});
