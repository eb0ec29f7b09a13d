/**
 * The Prometheus and Alertmanager files of the stack, checked by the real tools (Debian
 * packages `prometheus` and `prometheus-alertmanager`, which ship `promtool` and `amtool`):
 * the config and rules load, every alert has a `for:` and annotations, and the rule unit
 * tests make every alert fire and stay silent in the right cases.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { repoRoot } from './helpers/app.js';

const prometheusDir = join(repoRoot, 'deploy', 'prometheus');
const alertmanagerConfig = join(repoRoot, 'deploy', 'alertmanager', 'alertmanager.yml');

function tool(binary: string, args: string[], cwd = repoRoot): { status: number | null; output: string } {
  const result = spawnSync(binary, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (result.error) {
    throw new Error(`'${binary}' is not available (${result.error.message}); install it with \`apt-get install -y prometheus prometheus-alertmanager\``);
  }
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const rules = (parse(readFileSync(join(prometheusDir, 'alerts.yml'), 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
const alerts = rules.filter((rule) => rule.alert);

test('promtool check config accepts prometheus.yml and the rule files it names', () => {
  const { status, output } = tool('promtool', ['check', 'config', join(prometheusDir, 'prometheus.yml')]);
  assert.equal(status, 0, output);
  assert.match(output, /SUCCESS: 1 rule files found/);
});

test('promtool check rules accepts the alert rules', () => {
  const { status, output } = tool('promtool', ['check', 'rules', join(prometheusDir, 'alerts.yml')]);
  assert.equal(status, 0, output);
});

test('the rules cover service down, error rate, latency, components, memory, event loop, export and the SLOs, each with for: and annotations', () => {
  const names = alerts.map((rule) => rule.alert);
  for (const required of [
    'ServiceDown', 'HighErrorRate', 'HighLatencyP95', 'SlowComponent', 'HighMemoryUsage', 'HeapNearLimit', 'EventLoopDelayHigh',
    'TelemetryExportFailing', 'ErrorBudgetBurnFast', 'ErrorBudgetBurnSlow',
  ]) {
    assert.ok(names.includes(required), `alert ${required} is missing (have ${names.join(', ')})`);
  }
  for (const rule of alerts) {
    assert.match(rule.for ?? '', /^\d+[smh]$/, `${rule.alert}: needs a for: duration`);
    assert.ok(rule.labels?.severity, `${rule.alert}: needs a severity label`);
    assert.ok(rule.annotations?.summary && rule.annotations.description, `${rule.alert}: needs summary and description annotations`);
  }
});

test('promtool test rules: every alert fires in one case and stays silent in another', () => {
  const testFile = parse(readFileSync(join(prometheusDir, 'alerts.test.yml'), 'utf8')) as {
    tests: { alert_rule_test?: { alertname: string; exp_alerts?: { exp_labels?: Record<string, string> }[] }[] }[];
  };
  const cases = testFile.tests.flatMap((t) => t.alert_rule_test ?? []);
  for (const { alert, labels } of alerts) {
    // A burn-rate alert must fire for each objective: the case names its slo label.
    const fires = (c: (typeof cases)[number]) => (c.exp_alerts ?? []).some((a) => !labels?.slo || a.exp_labels?.slo === labels.slo);
    assert.ok(cases.some((c) => c.alertname === alert && fires(c)), `no unit test makes ${alert}${labels?.slo ? ` (slo ${labels.slo})` : ''} fire`);
    assert.ok(cases.some((c) => c.alertname === alert && (c.exp_alerts ?? []).length === 0), `no unit test checks that ${alert} stays silent`);
  }
  const { status, output } = tool('promtool', ['test', 'rules', 'alerts.test.yml'], prometheusDir);
  assert.equal(status, 0, output);
  assert.match(output, /SUCCESS/);
});

test('amtool check-config accepts alertmanager.yml, whose receivers all have a destination', () => {
  const { status, output } = tool('amtool', ['check-config', alertmanagerConfig]);
  assert.equal(status, 0, output);
  const config = parse(readFileSync(alertmanagerConfig, 'utf8')) as { receivers: { name: string; webhook_configs?: { url: string }[] }[] };
  for (const receiver of config.receivers) {
    assert.ok((receiver.webhook_configs ?? []).length > 0, `receiver ${receiver.name} sends nowhere`);
  }
});

test('the commented-out Slack and e-mail receivers are valid too: uncommented, amtool check-config still accepts the file', () => {
  // Indented comments holding YAML (a key, a list item or a continuation) are the examples.
  const uncommented = readFileSync(alertmanagerConfig, 'utf8').replace(/^(\s+)# ((?:- )?[a-z_]+:.*|\s+\S.*)$/gm, '$1$2');
  const config = parse(uncommented) as { receivers: { slack_configs?: unknown[]; email_configs?: unknown[] }[] };
  assert.ok(config.receivers.some((receiver) => receiver.slack_configs?.length), 'no Slack receiver in the examples');
  assert.ok(config.receivers.some((receiver) => receiver.email_configs?.length), 'no e-mail receiver in the examples');
  const file = join(mkdtempSync(join(tmpdir(), 'beacon-alertmanager-')), 'alertmanager.yml');
  writeFileSync(file, uncommented);
  const { status, output } = tool('amtool', ['check-config', file]);
  assert.equal(status, 0, output);
});
