/**
 * The lowest Node.js that `engines` allows, run for real: that version from the npm registry
 * (the `node` package, as the repo's own Node 24 comes), an app under the register entry, a
 * span at the receiver and /metrics answering; CommonJS and ES module apps under --require
 * traced with their routes; a TypeScript config it cannot load is a clear
 * config error (exit 78), not Node's "Unknown file extension".
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { fixture, repoRoot, runToEnd, startApp } from './helpers/app.js';
import { get } from './helpers/http.js';
import { receiverFor } from './helpers/otlp-receiver.js';
import { freePort } from './helpers/net.js';
import { pollUntil } from './helpers/timing.js';

const floor = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node.replace(/^>=\s*/, '');

/** node@<floor> installed once per machine into the temp directory. */
async function floorNode(): Promise<string> {
  const dir = join(tmpdir(), `beacon-node-${floor}`);
  const binary = join(dir, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(binary)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{"name":"node-floor","version":"1.0.0","private":true}');
    await promisify(execFile)('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', `node@${floor}`], { cwd: dir, timeout: 170_000 });
  }
  const { stdout } = await promisify(execFile)(binary, ['--version']);
  assert.equal(stdout.trim(), `v${floor}`);
  return binary;
}

test(`Node.js ${floor} (the engines floor): traced under the register entry, /metrics answers`, { timeout: 200_000 }, async (t) => {
  const node = await floorNode();
  const receiver = await receiverFor(t);
  const metricsPort = await freePort();
  const app = await startApp(t, fixture('delivery-app.mjs'), {
    node,
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort), OTEL_SERVICE_NAME: 'floor' },
  });
  assert.equal((await get(`${app.url}/work?seq=1&spans=1`)).status, 200);
  assert.match(app.stderr(), new RegExp(`on Node\\.js v${floor.replaceAll('.', '\\.')} ESM, service floor`));
  assert.ok(await pollUntil(() => receiver.spans.some((span) => span.attributes.seq === 1), 15_000, 100), 'the span arrives');
  const metrics = await get(`http://127.0.0.1:${metricsPort}/metrics`);
  assert.equal(metrics.status, 200);
  assert.match(metrics.body, /^http_server_request_duration_seconds_count\{/m);
});

for (const [kind, app, path, route] of [
  ['CommonJS', 'items-app.cjs', '/items/7', 'GET /items/:id'],
  ['ES module', 'express-app.mjs', '/users/7', 'GET /users/:id'],
] as const) {
  test(`Node.js ${floor}: ${kind === 'CommonJS' ? 'a' : 'an'} ${kind} express app under --require (NODE_OPTIONS) is traced with its routes`, { timeout: 200_000 }, async (t) => {
    const node = await floorNode();
    const receiver = await receiverFor(t);
    const started = await startApp(t, fixture(app), { node, bare: true, receiver, env: { NODE_OPTIONS: '--require beacon-otel/register', OTEL_BSP_SCHEDULE_DELAY: '100' } });
    // The signals come up after the app's first line under --require: the start-up line says when.
    assert.ok(await pollUntil(() => started.stderr().includes(`on Node.js v${floor}`), 10_000, 20), started.stderr());
    assert.equal((await get(`${started.url}${path}`)).status, 200);
    assert.ok(await pollUntil(() => receiver.spans.some((span) => span.name === route), 15_000, 100), receiver.spans.map((span) => span.name).join(', '));
  });
}

test(`Node.js ${floor}: a monitoring.config.ts it cannot load is a config error that says what to do`, { timeout: 200_000 }, async (t) => {
  const node = await floorNode();
  const dir = mkdtempSync(join(tmpdir(), 'beacon-floor-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'monitoring.config.ts'), "export default { service: { name: 'typed' } satisfies object };\n");
  writeFileSync(join(dir, 'app.cjs'), "console.log('app ran');\n");
  const { exit, stdout, stderr } = await runToEnd([join(dir, 'app.cjs')], { node, cwd: dir });
  assert.deepEqual(exit, { code: 78, signal: null }, stderr);
  assert.equal(stdout, '', 'the app does not start on a config it cannot read');
  assert.match(stderr, /cannot load TypeScript .*22\.18.*--experimental-strip-types.*monitoring\.config\.mjs or \.json/);
});
