/**
 * The stack's Prometheus rules and the example's Grafana dashboard are generated from the
 * example's monitoring config by `beacon-otel rules` and `beacon-otel dashboard`, run as a
 * user runs them (in the app's directory, clean environment): the committed files must be
 * exactly what a fresh generation writes. To update them after a change, run the two
 * commands in examples/orders-service with `-o` pointing at the files.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { configFile, repoRoot, runToEnd } from './helpers/app.js';

const cli = join(repoRoot, 'dist', 'src', 'cli', 'main.js');
const exampleDir = join(repoRoot, 'examples', 'orders-service');

const GENERATED = [
  { command: 'rules', file: 'deploy/prometheus/alerts.yml' },
  { command: 'dashboard', file: 'deploy/grafana/dashboards/orders-service.json' },
];

for (const { command, file } of GENERATED) {
  test(`${file} is what \`beacon-otel ${command}\` generates from the example's config`, async () => {
    const { exit, stdout, stderr } = await runToEnd([cli, command], { bare: true, cwd: exampleDir });
    assert.equal(exit.code, 0, stderr);
    assert.equal(stderr, '');
    const committed = readFileSync(join(repoRoot, file), 'utf8');
    assert.ok(stdout === committed, `${file} differs from a fresh generation: run \`cd examples/orders-service && npx beacon-otel ${command} -o ../../${file}\``);
  });
}

test('-o FILE writes the same text to the file and nothing to stdout', async () => {
  const output = join(mkdtempSync(join(tmpdir(), 'beacon-rules-')), 'alerts.yml');
  const { exit, stdout, stderr } = await runToEnd([cli, 'rules', '-o', output], { bare: true, cwd: exampleDir });
  assert.equal(exit.code, 0, stderr);
  assert.equal(stdout, '');
  assert.equal(readFileSync(output, 'utf8'), readFileSync(join(repoRoot, 'deploy/prometheus/alerts.yml'), 'utf8'));
});

test('rules and dashboard stop on an invalid config with its message and exit status 78', async () => {
  // 0.3 s is no bound of the default buckets (… 0.25, 0.5 …): the latency could not be counted.
  const config = configFile({ service: { name: 'shop' }, slo: { objectives: [{ name: 'fast', kind: 'latency', objective: 0.99, threshold: 0.3 }] } });
  for (const command of ['rules', 'dashboard']) {
    const { exit, stdout, stderr } = await runToEnd([cli, command], { bare: true, cwd: exampleDir, env: { BEACON_CONFIG: config } });
    assert.equal(exit.code, 78, stderr);
    assert.equal(stdout, '');
    assert.match(stderr, /^\[beacon\] invalid monitoring config: slo\.objectives\[0\]\.threshold: expected one of the HTTP duration histogram's bucket bounds/);
  }
});
