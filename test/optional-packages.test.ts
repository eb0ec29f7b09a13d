/**
 * The default install leaves out what few apps use (pino-roll for rotated log files, the GCP
 * resource detector): a config that asks for them on an install without them starts anyway,
 * says so once per feature with the command that adds it, and loses no log line.
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
