/**
 * `beacon-otel` (src/cli/), end to end: `node dist/src/cli/main.js …` in a directory holding a
 * monitoring.config.json, with a clean environment, as a user runs `npx beacon-otel` in an app.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { configFile, fixture, repoRoot, runToEnd } from './helpers/app.js';
import { grpcReceiverFor } from './helpers/grpc-receiver.js';
import { hiding } from './helpers/hidden-packages.js';
import { refusedUrl } from './helpers/net.js';
import { receiverFor } from './helpers/otlp-receiver.js';

const cli = join(repoRoot, 'dist', 'src', 'cli', 'main.js');

/** A fresh directory whose monitoring.config.json holds `config`: the app's directory. */
const appDir = (config: object) => dirname(configFile(config));

function beacon(args: string[], cwd: string, env: Record<string, string> = {}) {
  return runToEnd([cli, ...args], { bare: true, cwd, env });
}

interface Report {
  ok: boolean;
  checks: { name: string; status: string; detail: string }[];
  instrumentations: { applied: string[]; skipped: { name: string; reason: string }[] };
}

const APP_CONFIG = { service: { name: 'cli-app' }, logging: { outputs: ['console', 'otlp'] } };

test('doctor: a reachable collector and a free metrics port → exit 0, a line per check', async (t) => {
  const receiver = await receiverFor(t);
  const { exit, stdout, stderr } = await beacon(['doctor'], appDir(APP_CONFIG), { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
  assert.equal(exit.code, 0, stdout + stderr);
  assert.match(stdout, /^✓ node: v\S+ satisfies engines >=/m);
  // Node 24.11.1+ and 22.22.3+ run import-in-the-middle's hooks on the app's thread.
  assert.match(stdout, /^✓ loader: module\.registerHooks runs the ESM loader hook on the app's thread/m);
  assert.match(stdout, /^✓ config: \S+monitoring\.config\.json is valid$/m);
  assert.match(stdout, /^ {4}service\.name = "cli-app" ← config$/m);
  assert.match(stdout, new RegExp(`^✓ traces endpoint: ${receiver.url}/v1/traces answers$`, 'm'));
  assert.match(stdout, new RegExp(`^✓ logs endpoint: ${receiver.url}/v1/logs answers$`, 'm'));
  assert.match(stdout, /^✓ metrics port: 127\.0\.0\.1:0 is free$/m);
  assert.match(stdout, /^instrumentations applied: .*\bhttp\b/m);
  assert.match(stdout, /^instrumentations skipped: .*express \(express not installed\)/m);
  assert.match(stdout, /^no problems$/m);
  assert.doesNotMatch(stdout, /^✗/m);
});

test('doctor: OTLP over gRPC → the exporters are installed, the endpoint takes a TCP connection; hidden exporters → exit 1 naming what to install', async (t) => {
  const receiver = await grpcReceiverFor(t);
  const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' };
  const dir = appDir(APP_CONFIG);
  const { exit, stdout, stderr } = await beacon(['doctor'], dir, env);
  assert.equal(exit.code, 0, stdout + stderr);
  assert.match(stdout, /^✓ grpc exporters: installed for traces, logs$/m);
  assert.match(stdout, new RegExp(`^✓ traces endpoint: ${receiver.url} \\[grpc\\] answers$`, 'm'));
  assert.match(stdout, new RegExp(`^✓ logs endpoint: ${receiver.url} \\[grpc\\] answers$`, 'm'));

  const hidden = await beacon(['doctor'], dir, { ...env, NODE_OPTIONS: `--import ${hiding('@opentelemetry/exporter-logs-otlp-grpc')}` });
  assert.equal(hidden.exit.code, 1, hidden.stdout + hidden.stderr);
  assert.match(hidden.stdout, /^✗ grpc exporters: OTLP protocol 'grpc' for logs needs the optional package @opentelemetry\/exporter-logs-otlp-grpc \(npm install @opentelemetry\/exporter-logs-otlp-grpc\)/m);
});

test('doctor: an unreachable collector → exit 1 and a line naming its endpoint', async () => {
  const endpoint = `${await refusedUrl()}/v1/traces`;
  const { exit, stdout } = await beacon(['doctor'], appDir({ tracing: { otlp: { endpoint } } }));
  assert.equal(exit.code, 1, stdout);
  assert.match(stdout, new RegExp(`^✗ traces endpoint: ${endpoint} does not answer \\(ECONNREFUSED\\)$`, 'm'));
  assert.match(stdout, /^1 problem$/m);
});

test('doctor: a busy metrics port → exit 1 and a line naming the port', async (t) => {
  const busy = createServer().listen(0, '127.0.0.1');
  await once(busy, 'listening');
  t.after(() => busy.close());
  const { port } = busy.address() as { port: number };
  const receiver = await receiverFor(t);
  const { exit, stdout } = await beacon(['doctor'], appDir({}), { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_PROMETHEUS_PORT: String(port) });
  assert.equal(exit.code, 1, stdout);
  assert.match(stdout, new RegExp(`^✗ metrics port: 127\\.0\\.0\\.1:${port} is in use`, 'm'));
  assert.match(stdout, /^1 problem$/m);
});

test('doctor --json: the same verdicts as the text, as one JSON document', async (t) => {
  const busy = createServer().listen(0, '127.0.0.1');
  await once(busy, 'listening');
  t.after(() => busy.close());
  const env = { OTEL_EXPORTER_OTLP_ENDPOINT: await refusedUrl(), OTEL_EXPORTER_PROMETHEUS_PORT: String((busy.address() as { port: number }).port) };
  const dir = appDir(APP_CONFIG);
  const [text, json] = await Promise.all([beacon(['doctor'], dir, env), beacon(['doctor', '--json'], dir, env)]);
  assert.equal(json.exit.code, 1, json.stderr);
  const report = JSON.parse(json.stdout) as Report;
  assert.equal(report.ok, false);
  const failed = report.checks.filter(({ status }) => status === 'fail').map(({ name }) => name);
  assert.deepEqual(failed.sort(), ['logs endpoint', 'metrics port', 'traces endpoint']);
  const mark = { ok: '✓', warn: '!', fail: '✗' } as Record<string, string>;
  const textChecks = text.stdout.split('\n').filter((line) => /^[✓!✗] [^:]+: /.test(line));
  assert.deepEqual(textChecks, report.checks.map(({ name, status, detail }) => `${mark[status]} ${name}: ${detail}`));
  assert.equal(text.exit.code, json.exit.code);
  assert.ok(report.instrumentations.applied.includes('http'));
  assert.ok(report.instrumentations.skipped.some(({ name, reason }) => name === 'express' && reason === 'express not installed'));
});

test('a bad config stops either command with the coded message and exit 78, as the register entry does', async () => {
  for (const command of ['doctor', 'config']) {
    const { exit, stdout, stderr } = await beacon([command], appDir({ tracing: { sampler: { ratio: 7 } } }));
    assert.equal(exit.code, 78, stdout + stderr);
    assert.match(stderr, /^\[beacon\] invalid monitoring config: tracing\.sampler\.ratio: /m);
    assert.equal(stdout, '');
  }
});

test('config: with no name configured, the service is named and versioned by the app\'s package.json, as the register entry names it', async () => {
  const dir = appDir({});
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'billing', version: '3.1.4' }));
  const { exit, stdout, stderr } = await beacon(['config'], dir);
  assert.equal(exit.code, 0, stderr);
  const { values } = JSON.parse(stdout) as { values: Record<string, { value: unknown; source: string }> };
  assert.deepEqual(values['service.name'], { value: 'billing', source: 'package.json' });
  assert.deepEqual(values['service.version'], { value: '3.1.4', source: 'package.json' });
});

test('config: every resolved value with its source, header values masked; --yaml the same document', async () => {
  const config = { tracing: { sampler: 0.25, otlp: { headers: { 'x-api-key': 'topsecret' } } } };
  const env = { OTEL_SERVICE_NAME: 'from-env' };
  const dir = appDir(config);
  const [json, yaml] = await Promise.all([beacon(['config'], dir, env), beacon(['config', '--yaml'], dir, env)]);
  assert.equal(json.exit.code, 0, json.stderr);
  const document = JSON.parse(json.stdout) as { file: string; values: Record<string, { value: unknown; source: string }> };
  assert.match(document.file, /monitoring\.config\.json$/);
  assert.deepEqual(document.values['service.name'], { value: 'from-env', source: 'env:OTEL_SERVICE_NAME' });
  assert.deepEqual(document.values['tracing.sampler.ratio'], { value: 0.25, source: 'config' });
  assert.deepEqual(document.values['metrics.prometheus.path'], { value: '/metrics', source: 'default' });
  assert.deepEqual(document.values['tracing.otlp.headers.x-api-key'], { value: 'REDACTED', source: 'config' });
  assert.doesNotMatch(json.stdout + yaml.stdout, /topsecret/);
  assert.equal(yaml.exit.code, 0, yaml.stderr);
  assert.deepEqual(parse(yaml.stdout), document);
});

test('config with OTEL_CONFIG_FILE: the file named, its values sourced at their YAML paths, the config object above it; a bad file stops it', async () => {
  const dir = appDir({ tracing: { sampler: 0.5 } });
  const { exit, stdout, stderr } = await beacon(['config'], dir, { OTEL_CONFIG_FILE: fixture('declarative/full.yaml') });
  assert.equal(exit.code, 0, stderr);
  const document = JSON.parse(stdout) as { otelConfigFile: string; values: Record<string, { value: unknown; source: string }> };
  assert.equal(document.otelConfigFile, fixture('declarative/full.yaml'));
  assert.deepEqual(document.values['service.name'], { value: 'checkout', source: 'OTEL_CONFIG_FILE:resource.attributes[0]' });
  assert.deepEqual(document.values['metrics.prometheus.port'], { value: 9777, source: 'OTEL_CONFIG_FILE:meter_provider.readers[0].pull.exporter.prometheus/development.port' });
  assert.deepEqual(document.values['tracing.sampler.ratio'], { value: 0.5, source: 'config' });

  const bad = await beacon(['config'], dir, { OTEL_CONFIG_FILE: fixture('declarative/future-major.yaml') });
  assert.equal(bad.exit.code, 78);
  assert.match(bad.stderr, /^\[beacon\] invalid monitoring config: OTEL_CONFIG_FILE=.*future-major\.yaml: .*file_format/m);
});

test('usage: no command or --help → stdout, exit 0; an unknown command or option → stderr, exit 2', async () => {
  for (const args of [[], ['--help']]) {
    const { exit, stdout } = await beacon(args, appDir({}));
    assert.equal(exit.code, 0);
    assert.match(stdout, /^usage: beacon-otel <command>/);
  }
  for (const args of [['frobnicate'], ['doctor', '--yaml'], ['rules', '--yaml'], ['dashboard', '-o', 'x.json', '--force']]) {
    const { exit, stdout, stderr } = await beacon(args, appDir({}));
    assert.equal(exit.code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, new RegExp(`^beacon-otel: unknown (command|option) ${args.at(-1)}\\nusage: beacon-otel`));
  }
  const { exit, stderr } = await beacon(['rules', '-o'], appDir({}));
  assert.equal(exit.code, 2);
  assert.match(stderr, /^beacon-otel: -o needs a FILE\n/);
});

test('rules and dashboard: a service of its own gets rules promtool accepts and a dashboard, for its name', async () => {
  const dir = appDir({ service: { name: 'cli-app' }, slo: { objectives: [{ name: 'cli-availability', kind: 'availability', objective: 0.999 }] } });
  const rules = await beacon(['rules'], dir);
  assert.equal(rules.exit.code, 0, rules.stderr);
  const groups = (parse(rules.stdout) as { groups: { name: string; rules: { alert?: string; expr: string }[] }[] }).groups;
  assert.deepEqual(groups.map((group) => group.name), ['cli-app-alerts', 'cli-app-slo']);
  for (const rule of groups[0]!.rules) assert.match(rule.expr, /job="cli-app"/, rule.alert);
  const file = join(dir, 'alerts.yml');
  writeFileSync(file, rules.stdout);
  const check = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
  assert.equal(check.status, 0, `${check.stdout}${check.stderr}`);

  const dashboard = await beacon(['dashboard'], dir);
  assert.equal(dashboard.exit.code, 0, dashboard.stderr);
  const json = JSON.parse(dashboard.stdout) as { title: string; templating: { list: { name: string; current: { value: unknown } }[] } };
  assert.equal(json.title, 'Beacon — cli-app');
  assert.equal(json.templating.list.find((variable) => variable.name === 'service')?.current.value, 'cli-app');
});
