/**
 * The --import entry as users meet it: config errors stop the app before it starts,
 * worker threads start nothing, only enabled signals leave the process, the resource
 * says who sent the data, and the debug dump explains where every value came from.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { configFile, fixture, runToEnd, startApp } from './helpers/app.js';
import { get } from './helpers/http.js';
import { receiverFor } from './helpers/otlp-receiver.js';

async function run(args: string[], env: Record<string, string> = {}) {
  const { exit, stdout, stderr } = await runToEnd(args, { env });
  return { code: exit.code, stdout, stderr };
}

test('a bad config object prints one clear error and exits non-zero before the app runs', async () => {
  const result = await run(['-e', "console.log('the app ran')"], { BEACON_CONFIG: configFile({ tracing: { sampler: 1.5 } }) });
  assert.equal(result.code, 78);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /^\[beacon\] invalid monitoring config: tracing\.sampler: expected a number between 0 and 1.*got 1\.5\n$/);
});

test('a missing BEACON_CONFIG file is a clear error too', async () => {
  const result = await run(['-e', "console.log('the app ran')"], { BEACON_CONFIG: '/nonexistent/monitoring.config.ts' });
  assert.equal(result.code, 78);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /BEACON_CONFIG=\/nonexistent\/monitoring\.config\.ts: no such file/);
});

test('a bad env value warns once and the app runs on the default', async () => {
  const result = await run(['-e', "console.log('the app ran')"], { OTEL_TRACES_SAMPLER: 'sometimes', OTEL_TRACES_EXPORTER: 'none' });
  assert.equal(result.code, 0);
  assert.equal(result.stdout, 'the app ran\n');
  assert.equal(result.stderr.match(/OTEL_TRACES_SAMPLER="sometimes" ignored/g)?.length, 1);
});

test('the banner says whether the trace endpoint answers', async (t) => {
  const receiver = await receiverFor(t);
  const up = await run(['-e', 'setTimeout(() => {}, 500)'], { OTEL_EXPORTER_OTLP_ENDPOINT: `http://user:pw@127.0.0.1:${new URL(receiver.url).port}` });
  assert.match(up.stderr, /trace endpoint http:\/\/REDACTED@127\.0\.0\.1:\d+\/v1\/traces answers/);
  await receiver.close();
  const down = await run(['-e', 'setTimeout(() => {}, 500)'], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
  assert.match(down.stderr, /trace endpoint http:\/\/127\.0\.0\.1:\d+\/v1\/traces does not answer \(ECONNREFUSED\)/);
});

test('worker threads inherit --import but start nothing', async () => {
  const code = `
    const { Worker } = require('node:worker_threads');
    const worker = new Worker("require('node:http'); console.log('worker ran')", { eval: true });
    worker.on('exit', () => console.log('main done'));`;
  const result = await run(['-e', code], { OTEL_TRACES_EXPORTER: 'none' });
  assert.equal(result.code, 0);
  assert.match(result.stdout, /worker ran\n[\s\S]*main done/);
  assert.equal(result.stderr.match(/beacon-otel \S+ on Node\.js/g)?.length, 1, result.stderr);
});

test('only the enabled signals leave the process, with the configured identity on the resource', async (t) => {
  const receiver = await receiverFor(t);
  const app = await startApp(t, fixture('express-app.cjs'), {
    receiver,
    env: { OTEL_BSP_SCHEDULE_DELAY: '100', OTEL_RESOURCE_ATTRIBUTES: 'team=payments' },
    config: { service: { name: 'orders', version: '1.4.0', environment: 'production' } },
  });
  await get(`${app.url}/users/1`);
  await app.stop();

  assert.deepEqual([...new Set(receiver.requests.map((request) => request.path))], ['/v1/traces']);
  const resource = receiver.spans[0]!.resource;
  assert.equal(resource['service.name'], 'orders');
  assert.equal(resource['service.version'], '1.4.0');
  assert.equal(resource['deployment.environment.name'], 'production');
  assert.equal(resource['team'], 'payments');
  assert.equal(resource['telemetry.distro.name'], 'beacon-otel');
  assert.equal(typeof resource['host.name'], 'string');
  assert.equal(typeof resource['process.pid'], 'number');
  assert.equal(resource['cloud.provider'], undefined, 'cloud detectors ran without being asked');
});

/**
 * A CommonJS app in a directory of its own, with `manifest` as its package.json, that serves
 * itself one request. (Always a package.json: the temp directory may have one above it.)
 */
function appInOwnDir(manifest: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'beacon-app-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
  writeFileSync(join(dir, 'app.js'), `
    const http = require('node:http');
    const server = http.createServer((req, res) => res.end('ok')).listen(0, '127.0.0.1', () => {
      http.get('http://127.0.0.1:' + server.address().port + '/', (res) => { res.resume(); res.on('end', () => server.close()); });
    });`);
  return dir;
}

test("an unconfigured service is named and versioned by its app's package.json; the start-up line and the dump say so", async (t) => {
  const receiver = await receiverFor(t);
  const cwd = appInOwnDir({ name: 'orders', version: '2.3.1' });
  const { exit, stderr } = await runToEnd(['app.js'], { cwd, receiver, env: { OTEL_LOG_LEVEL: 'debug' } });
  assert.equal(exit.code, 0, stderr);
  const resource = receiver.spans[0]?.resource;
  assert.equal(resource?.['service.name'], 'orders');
  assert.equal(resource?.['service.version'], '2.3.1');
  assert.match(stderr, /beacon-otel \S+ on Node\.js \S+ CJS, service orders \(package\.json\): traces → otlp/);
  assert.match(stderr, /service\.version = "2\.3\.1" ← package\.json/);
});

test("OTEL_SERVICE_NAME beats the package.json, whose version then stays out; a package.json without a name leaves unknown_service:node", async (t) => {
  const receiver = await receiverFor(t);
  const named = await runToEnd(['app.js'], { cwd: appInOwnDir({ name: 'orders', version: '2.3.1' }), receiver, env: { OTEL_SERVICE_NAME: 'from-env' } });
  assert.equal(named.exit.code, 0, named.stderr);
  assert.match(named.stderr, /service from-env \(env:OTEL_SERVICE_NAME\)/);
  const unnamed = await runToEnd(['app.js'], { cwd: appInOwnDir({ version: '2.3.1' }), receiver });
  assert.equal(unnamed.exit.code, 0, unnamed.stderr);
  assert.match(unnamed.stderr, /service unknown_service:node \(default\)/);
  assert.deepEqual(receiver.spans.map((span) => [span.resource['service.name'], span.resource['service.version']]).sort(),
    [['from-env', undefined], ['from-env', undefined], ['unknown_service:node', undefined], ['unknown_service:node', undefined]]);
});

test('OTEL_LOG_LEVEL=debug dumps the resolved config with sources and the applied instrumentations', async () => {
  const result = await run(['-e', "require('express')"], {
    OTEL_LOG_LEVEL: 'debug',
    OTEL_SERVICE_NAME: 'from-env',
    OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'authorization=Bearer%20topsecret',
    OTEL_TRACES_EXPORTER: 'none',
    BEACON_CONFIG: configFile({ tracing: { sampler: 0.25 } }),
  });
  assert.equal(result.code, 0);
  assert.match(result.stderr, /service\.name = "from-env" ← env:OTEL_SERVICE_NAME/);
  assert.match(result.stderr, /tracing\.sampler\.ratio = 0\.25 ← config/);
  assert.match(result.stderr, /tracing\.exporter = "none" ← env:OTEL_TRACES_EXPORTER/);
  assert.match(result.stderr, /metrics\.prometheus\.path = "\/metrics" ← default/);
  assert.match(result.stderr, /metrics\.prometheus\.port = 0 ← env:OTEL_EXPORTER_PROMETHEUS_PORT/);
  const applied = /instrumentations applied: (.*)/.exec(result.stderr)?.[1]?.split(', ') ?? [];
  assert.ok(applied.includes('http') && applied.includes('express') && !applied.includes('mongodb'), `applied: ${applied.join(', ')}`);
  assert.match(result.stderr, /instrumentations skipped: .*mongodb \(mongodb not installed\)/);
  assert.doesNotMatch(result.stderr, /topsecret/);
});

test('startMonitoring is idempotent: a second call warns and returns the same handle', async () => {
  const code = `
    import('beacon-otel').then(async ({ startMonitoring }) => {
      const first = startMonitoring({ tracing: { exporter: 'none' } });
      const second = startMonitoring({ tracing: { exporter: 'console' } });
      console.log(first === second, (await first).config.tracing.exporter);
      await (await first).shutdown();
    });`;
  const { exit, stdout, stderr } = await runToEnd(['-e', code], { bare: true });
  assert.equal(exit.code, 0, stderr);
  assert.equal(stdout.trim(), 'true none');
  assert.match(stderr, /startMonitoring\(\) was called again; returning the running instance/);
});
