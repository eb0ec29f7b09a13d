/**
 * The default install leaves out what few apps use (pino-roll for rotated log files, the GCP
 * resource detector, the OTLP/gRPC exporters): a config that asks for the first two on an
 * install without them starts anyway, says so once per feature with the command that adds
 * it, and loses no log line; without a gRPC exporter nothing could be sent at all, so Beacon
 * stops before the app starts, as for a config error, naming what to install.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fixture, runToEnd } from './helpers/app.js';
import { hiding } from './helpers/hidden-packages.js';
import { tempDir } from './helpers/logging.js';

test('rotation without pino-roll and the gcp detector without its package: one warning each, the file written unrotated', async (t) => {
  const dir = tempDir(t);
  const { exit, stderr } = await runToEnd([fixture('fault-app-ends.cjs')], {
    env: { NODE_OPTIONS: `--import ${hiding('pino-roll', '@opentelemetry/resource-detector-gcp')}`, OTEL_TRACES_EXPORTER: 'none' },
    config: {
      service: { name: 'lean', detectors: ['host', 'gcp'] },
      logging: { outputs: ['file'], file: { path: join(dir, 'app.log'), size: '1k' } },
      metrics: { enabled: false },
    },
  });
  assert.deepEqual(exit, { code: 0, signal: null }, stderr);
  const warningsAbout = (name: string) => stderr.split('\n').filter((line) => line.includes(`optional package ${name} (npm install ${name})`));
  assert.equal(warningsAbout('pino-roll').length, 1, stderr);
  assert.match(warningsAbout('pino-roll')[0]!, /logging\.file rotation .* without rotation/);
  assert.equal(warningsAbout('@opentelemetry/resource-detector-gcp').length, 1, stderr);
  assert.match(stderr, /\(not rotated\)/, 'the start-up line says what is written');
  const lines = readFileSync(join(dir, 'app.log'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { msg: string });
  assert.equal(lines.filter((line) => line.msg === 'handled').length, 20, 'every line, in one file');
});

test("protocol 'grpc' without the gRPC exporters: BEACON_MISSING_PACKAGE names what to install, and the process stops before the app (exit 78)", async () => {
  const { exit, stderr, stdout } = await runToEnd([fixture('fault-app-ends.cjs')], {
    env: {
      NODE_OPTIONS: `--import ${hiding('@opentelemetry/exporter-trace-otlp-grpc', '@opentelemetry/exporter-logs-otlp-grpc', '@opentelemetry/exporter-metrics-otlp-grpc')}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_LOGS_EXPORTER: 'otlp',
    },
    config: { service: { name: 'lean' }, metrics: { enabled: false } },
  });
  assert.deepEqual(exit, { code: 78, signal: null }, stderr);
  assert.match(stderr, /\[beacon\] BEACON_MISSING_PACKAGE: OTLP protocol 'grpc' for traces, logs needs the optional package @opentelemetry\/exporter-trace-otlp-grpc @opentelemetry\/exporter-logs-otlp-grpc \(npm install @opentelemetry\/exporter-trace-otlp-grpc @opentelemetry\/exporter-logs-otlp-grpc\)/);
  assert.equal(stdout, '', 'the app did not start');
});
