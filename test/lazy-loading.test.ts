/**
 * Each signal loads only what its config asks for (src/signal-component.ts): a process whose
 * logs go to the console only, with spans not exported, never imports the logs SDK, Elastic's
 * ECS formatter or any OTLP exporter code, and metrics without the Prometheus exporter load
 * none of its code; turning those on imports them (so the checks can fail).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture, registerPath, runToEnd } from './helpers/app.js';
import { refusedUrl } from './helpers/net.js';

/** Starts Beacon with `config` in a child that runs `code` (nothing by default); what it imported: URLs, package names and Beacon's own modules. */
async function loadedBy(config: object, env: Record<string, string> = {}, code = ''): Promise<{ urls: string[]; packages: Set<string>; beacon: Set<string> }> {
  const run = await runToEnd(['--import', fixture('report-loaded-modules.mjs'), '--import', registerPath, '-e', code], {
    bare: true, // register comes after the preload, so that the preload sees Beacon's imports too
    config: { service: { name: 'lazy-loading' }, shutdown: { timeoutMs: 1000 }, ...config },
    env,
  });
  assert.equal(run.exit.code, 0, run.stderr);
  const line = run.stderr.split('\n').find((text) => text.startsWith('[loaded] '));
  assert.ok(line, run.stderr);
  const urls = JSON.parse(line.slice('[loaded] '.length)) as string[];
  const packages = new Set(urls.flatMap((url) => /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? []));
  const beacon = new Set(urls.flatMap((url) => /\/dist\/(src\/.+\.js)$/.exec(url)?.[1] ?? []));
  return { urls, packages, beacon };
}

const OTLP_CODE = ['@opentelemetry/otlp-exporter-base', '@opentelemetry/otlp-transformer'];
const DECLARATIVE_PARSER = '@opentelemetry/configuration';

test('console-only structured logs and unexported spans load no logs SDK, no ECS formatter, no OTLP exporter', async () => {
  const { packages, beacon } = await loadedBy({
    logging: { format: 'structured', outputs: ['console'] },
    tracing: { exporter: 'none' },
    metrics: { enabled: false },
  });
  assert.ok(packages.has('pino') && packages.has('@opentelemetry/sdk-trace'), 'the probe sees what is loaded');
  for (const name of ['@opentelemetry/sdk-logs', '@elastic/ecs-pino-format', '@opentelemetry/sdk-metrics', DECLARATIVE_PARSER, 'yaml', ...OTLP_CODE]) {
    assert.ok(!packages.has(name), `${name} was loaded`);
  }
  for (const module of ['src/export/otlp-http.js', 'src/export/delivery-queue.js', 'src/logging/otlp.js', 'src/logging/ecs-format.js', 'src/logging/requests.js']) {
    assert.ok(!beacon.has(module), `${module} was loaded`);
  }
});

test('the register entry and the main entry, every signal on, never load @opentelemetry/sdk-node nor beacon-otel/sdk', async () => {
  const { packages, beacon } = await loadedBy({ logging: { outputs: ['console', 'otlp'] }, metrics: { exporters: ['prometheus', 'otlp'] } }, {}, "import('beacon-otel')");
  assert.ok(beacon.has('src/index.js'), 'the probe sees the main entry');
  assert.ok(packages.has('@opentelemetry/sdk-metrics'), 'the probe sees what is loaded');
  assert.ok(!packages.has('@opentelemetry/sdk-node'), '@opentelemetry/sdk-node was loaded');
  assert.ok(!beacon.has('src/node-sdk.js') && !beacon.has('src/sdk/node-sdk.js'), 'beacon-otel/sdk was loaded');
});

test('the OpenTelemetry packages load once, as the instrumentations load them: their CommonJS builds, never their ES builds beside', async () => {
  const { urls, packages } = await loadedBy(
    { logging: { outputs: ['console', 'otlp'] }, metrics: { exporters: ['prometheus', 'otlp'] }, service: { detectors: ['host', 'container'] } },
    { OTEL_EXPORTER_OTLP_ENDPOINT: await refusedUrl(), OTEL_EXPORTER_OTLP_TIMEOUT: '300' },
    "import('beacon-otel')",
  );
  for (const name of ['@opentelemetry/instrumentation-http', '@opentelemetry/otlp-transformer', '@opentelemetry/resource-detector-container']) {
    assert.ok(packages.has(name), `the probe sees ${name}`);
  }
  const otelFiles = urls.filter((url) => url.includes('/node_modules/@opentelemetry/'));
  assert.ok(otelFiles.some((url) => /\/@opentelemetry\/api\/.+\.cjs$/.test(url)), 'the CommonJS build of the API was loaded');
  assert.deepEqual(otelFiles.filter((url) => url.endsWith('.mjs')), []);
});

test('tracing off loads no tracing SDK', async () => {
  const { packages, beacon } = await loadedBy({ tracing: { enabled: false }, metrics: { enabled: false } });
  assert.ok(!packages.has('@opentelemetry/sdk-trace'), '@opentelemetry/sdk-trace was loaded');
  assert.ok(!beacon.has('src/tracing/context-manager.js'), 'src/tracing/context-manager.js was loaded');
  assert.ok(!beacon.has('src/tracing/pipeline.js'), 'src/tracing/pipeline.js was loaded');
});

test('metrics pushed to the console load neither the Prometheus endpoint nor an OTLP exporter', async () => {
  const { packages, beacon } = await loadedBy({ tracing: { enabled: false }, metrics: { exporters: ['console'] } });
  assert.ok(packages.has('@opentelemetry/sdk-metrics'), 'the probe sees the metrics SDK');
  for (const name of ['@opentelemetry/exporter-prometheus', '@opentelemetry/exporter-metrics-otlp-proto', ...OTLP_CODE]) {
    assert.ok(!packages.has(name), `${name} was loaded`);
  }
  assert.ok(!beacon.has('src/metrics/prometheus/endpoint.js'), 'src/metrics/prometheus/endpoint.js was loaded');
});

test('the ECS format, the OTLP log output, OTLP spans and the Prometheus endpoint load what they need', async () => {
  const { packages, beacon } = await loadedBy(
    {
      logging: { format: 'ecs', outputs: ['console', 'otlp'], otlp: { endpoint: 'http://127.0.0.1:9/v1/logs', timeoutMs: 500 } },
      tracing: { exporter: 'otlp' },
      metrics: { exporters: ['prometheus'] },
    },
    // By environment: the place of tracing's OTLP fields in the config is not this test's business.
    { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:9/v1/traces' },
  );
  for (const name of ['@elastic/ecs-pino-format', '@opentelemetry/exporter-prometheus']) assert.ok(packages.has(name), `${name} was not loaded`);
  for (const module of ['src/export/otlp-http.js', 'src/logging/otlp.js', 'src/logging/ecs-format.js']) assert.ok(beacon.has(module), `${module} was not loaded`);
  assert.ok(!packages.has('@opentelemetry/sdk-logs'), 'the OTLP log output builds its records without the logs SDK');
});

test('the declarative configuration parser loads only when OTEL_CONFIG_FILE is set', async () => {
  const { packages } = await loadedBy({}, { OTEL_CONFIG_FILE: fixture('declarative/console.yaml') });
  assert.ok(packages.has(DECLARATIVE_PARSER), `${DECLARATIVE_PARSER} was not loaded`);
  assert.ok(packages.has('yaml'), 'yaml was not loaded');
});

const GRPC_CODE = ['@grpc/grpc-js', '@opentelemetry/otlp-grpc-exporter-base', '@opentelemetry/exporter-trace-otlp-grpc', '@opentelemetry/exporter-metrics-otlp-grpc', '@opentelemetry/exporter-logs-otlp-grpc'];

test('every signal over OTLP with the default protocol (http/protobuf) never resolves @grpc/grpc-js nor a gRPC exporter; protocol grpc loads them', async () => {
  const config = { logging: { outputs: ['console', 'otlp'] }, metrics: { exporters: ['otlp'] } };
  const http = await loadedBy(config);
  assert.ok(http.beacon.has('src/export/otlp-http.js'), 'the probe sees the OTLP/HTTP sender');
  for (const name of GRPC_CODE) assert.ok(!http.packages.has(name), `${name} was loaded`);
  assert.ok(!http.beacon.has('src/export/otlp-grpc.js'), 'src/export/otlp-grpc.js was loaded');

  const grpc = await loadedBy(config, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
  for (const name of GRPC_CODE) assert.ok(grpc.packages.has(name), `${name} was not loaded`);
  assert.ok(grpc.beacon.has('src/export/otlp-grpc.js'), 'src/export/otlp-grpc.js was not loaded');
});
