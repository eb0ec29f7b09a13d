/**
 * The Grafana dashboards against real data: the example service runs under Beacon, the load
 * generator drives every endpoint, a real Prometheus scrapes the service under the job name
 * the stack uses, and every PromQL expression of every dashboard (panels and template
 * variables, with $service, $instance, $__rate_interval, $__range substituted as Grafana
 * would) must return at least one series with a real number.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { cleanEnv, repoRoot } from './helpers/app.js';
import { stopChild } from './helpers/child.js';
import { startExample } from './helpers/example.js';
import { startPrometheus } from './helpers/prometheus.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const dashboardDir = join(repoRoot, 'deploy', 'grafana', 'dashboards');
const dashboards = readdirSync(dashboardDir)
  .filter((file) => file.endsWith('.json'))
  .map((file) => ({ file, json: JSON.parse(readFileSync(join(dashboardDir, file), 'utf8')) as Json }));
const JOB = 'orders-service'; // the job name of deploy/prometheus/prometheus.yml

interface Expression {
  where: string;
  expr: string;
}

/** Every panel (rows included, nested or not) of a dashboard. */
function allPanels(dashboard: Json): Json[] {
  const out: Json[] = [];
  const walk = (panels: Json[] = []) => {
    for (const panel of panels) {
      out.push(panel);
      walk(panel.panels);
    }
  };
  walk(dashboard.panels);
  return out;
}

function expressions(dashboard: Json, file: string): Expression[] {
  const out: Expression[] = [];
  for (const panel of allPanels(dashboard)) {
    for (const target of panel.targets ?? []) {
      if (target.datasource?.uid && target.datasource.uid !== 'prometheus') continue;
      if (target.expr) out.push({ where: `${file} › ${panel.title} › ${target.refId}`, expr: target.expr });
    }
  }
  // Variables: label_values(selector, label) asks for the series of `selector` carrying `label`.
  for (const variable of dashboard.templating?.list ?? []) {
    if (variable.type !== 'query') continue;
    const query: string = typeof variable.query === 'string' ? variable.query : variable.query?.query ?? variable.definition;
    const match = /^label_values\((.+),\s*(\w+)\)$/.exec(query.trim());
    assert.ok(match, `${file}: variable ${variable.name}: unsupported query ${query}`);
    out.push({ where: `${file} › $${variable.name}`, expr: `count by (${match[2]}) (${match[1]})` });
  }
  return out;
}

/** What Grafana puts in before sending a query (1 s scrapes here, 15 s in the stack). */
function substitute(expr: string): string {
  return expr
    .replaceAll(/\$\{?service\}?/g, JOB)
    .replaceAll(/\$\{?instance\}?/g, '.*')
    .replaceAll('$__rate_interval', '1m')
    .replaceAll('$__interval', '15s')
    .replaceAll('$__range', '5m');
}

test('the dashboards have the panels of seed 000, the SLO row, the service and instance variables, and links to Jaeger', () => {
  assert.ok(dashboards.length > 0, 'no dashboard JSON in deploy/grafana/dashboards');
  const titles = dashboards.flatMap(({ json }) => allPanels(json).map((panel) => String(panel.title)));
  for (const wanted of [
    'Total requests', 'Requests / s', 'Avg response time', 'Error rate (5xx)', 'P95 latency', 'P99 latency',
    'Response time by route (p95)', 'Request rate by route', 'Response time percentiles', 'Status codes',
    'Component calls', 'Component call rate', 'Component duration (p95)', 'Component success vs failure', 'Component calls in flight',
    'Database write operations', 'Query result sizes', 'Full table scans', 'Expensive aggregations',
    'Memory', 'CPU', 'Event loop delay', 'GC time by kind',
    // the SLO row, for each objective of the example's config
    ...['orders-availability', 'order-creation-latency'].flatMap((slo) => [`${slo}: compliance`, `${slo}: error budget remaining`, `${slo}: burn rate`]),
  ]) {
    assert.ok(titles.includes(wanted), `no panel '${wanted}'`);
  }
  for (const { file, json } of dashboards) {
    const ids = allPanels(json).map((panel) => panel.id);
    assert.equal(new Set(ids).size, ids.length, `${file}: panel ids repeat`);
    const boxes = allPanels(json).map((panel) => ({ title: panel.title, ...panel.gridPos }) as Json);
    for (const [i, a] of boxes.entries()) {
      assert.ok(a.x >= 0 && a.w > 0 && a.x + a.w <= 24, `${file} › ${a.title}: outside the 24-column grid`);
      for (const b of boxes.slice(i + 1)) {
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        assert.ok(!overlap, `${file}: panels '${a.title}' and '${b.title}' overlap`);
      }
    }
  }
  const datasources = (parse(readFileSync(join(repoRoot, 'deploy/grafana/provisioning/datasources/datasources.yml'), 'utf8')) as Json).datasources as Json[];
  const uids = new Set(datasources.map((ds) => ds.uid));
  for (const { file, json } of dashboards) {
    const variables = (json.templating?.list ?? []).map((v: Json) => v.name);
    assert.ok(variables.includes('service') && variables.includes('instance'), `${file}: variables ${variables}`);
    assert.ok(json.uid && json.title, `${file}: needs uid and title`);
    for (const panel of allPanels(json)) {
      if (panel.datasource) assert.ok(uids.has(panel.datasource.uid), `${file} › ${panel.title}: datasource ${panel.datasource.uid} is not provisioned`);
      for (const target of panel.targets ?? []) assert.match(target.expr ?? '', /job=~"\$service", instance=~"\$instance"|^$/, `${file} › ${panel.title}: filter on $service and $instance`);
    }
    const panelLinks = allPanels(json).flatMap((panel) => [...(panel.links ?? []), ...(panel.fieldConfig?.defaults?.links ?? [])]);
    assert.ok(panelLinks.some((link: Json) => /:16686\/search\?service=\$\{service\}/.test(link.url)), `${file}: no panel links to the traces in Jaeger`);
  }
});

test('every PromQL expression of every dashboard returns data while the example runs under load', async (t) => {
  const { app, metricsTarget } = await startExample(t);
  const prometheus = await startPrometheus(t, [metricsTarget], JOB);

  // The load generator itself, as `npm run load` runs it: 8 s at 80 req/s.
  const load = spawn(process.execPath, [join(repoRoot, 'dist', 'examples', 'orders-service', 'load.js'), '--duration', '8s', '--rate', '80', '--target', app.url], {
    cwd: repoRoot,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let loadOutput = '';
  load.stdout.on('data', (chunk: Buffer) => (loadOutput += chunk));
  load.stderr.on('data', (chunk: Buffer) => (loadOutput += chunk));
  // It ends by itself after its 8 s; killed if it has not 30 s in.
  const { code: loadCode } = await stopChild(load, null, 30_000);
  assert.equal(loadCode, 0, loadOutput);
  const byStatus = JSON.parse(/by status (\{.*\})/.exec(loadOutput)?.[1] ?? '{}') as Record<string, number>;
  for (const status of ['200', '201', '400', '404']) assert.ok(byStatus[status]! > 0, `the load mix has no ${status}: ${loadOutput}`);

  // A couple of scrapes after the load, so that every rate window holds the whole run.
  await prometheus.waitFor(`up{job="${JOB}"} == 1`);
  await new Promise((resolve) => setTimeout(resolve, 2000));

  const failures: string[] = [];
  let checked = 0;
  for (const { file, json } of dashboards) {
    for (const { where, expr } of expressions(json, file)) {
      const promql = substitute(expr);
      assert.doesNotMatch(promql, /\$/, `${where}: unsubstituted variable in ${promql}`);
      checked++;
      try {
        const samples = await prometheus.query(promql);
        const numbers = samples.map((s) => Number(s.value[1])).filter((v) => Number.isFinite(v));
        if (numbers.length === 0) failures.push(`${where}: no data\n    ${promql}\n    → ${JSON.stringify(samples).slice(0, 300)}`);
      } catch (error) {
        failures.push(`${where}: ${(error as Error).message}\n    ${promql}`);
      }
    }
  }
  // Annotation queries (firing ALERTS) are empty while all is well: they must parse, not return data.
  for (const { file, json } of dashboards) {
    for (const annotation of json.annotations?.list ?? []) {
      if (!annotation.expr) continue;
      await prometheus.query(substitute(annotation.expr)).catch((error: Error) => failures.push(`${file} › annotation ${annotation.name}: ${error.message}`));
    }
  }
  assert.ok(checked >= 40, `only ${checked} expressions found`);
  assert.deepEqual(failures, [], `${failures.length} of ${checked} dashboard expressions return nothing:\n${failures.join('\n')}`);

  // The alert rules are unit-tested on synthetic series; here their metric names are checked
  // against what the example really serves, so that a renamed metric cannot silence an alert.
  const served = new Set((await prometheus.query(`group by (__name__) ({job="${JOB}"})`)).map((s) => s.metric.__name__!));
  const rules = (parse(readFileSync(join(repoRoot, 'deploy/prometheus/alerts.yml'), 'utf8')) as Json).groups.flatMap((g: Json) => g.rules) as Json[];
  // The SLO alerts read what the recording rules of the same file record.
  const recorded = new Set(rules.map((rule) => rule.record).filter(Boolean));
  for (const rule of rules) {
    const names = metricNames(rule.expr);
    assert.ok(names.length > 0, `${rule.alert ?? rule.record}: no metric found in ${rule.expr}`);
    for (const name of names) assert.ok(served.has(name) || recorded.has(name), `rule ${rule.alert ?? rule.record} queries ${name}, which the example does not serve`);
  }
});

const PROMQL_WORDS = new Set(['sum', 'min', 'max', 'avg', 'count', 'rate', 'irate', 'increase', 'histogram_quantile', 'and', 'or', 'unless', 'vector', 'abs', 'bool', 'offset']);

/** Metric names in a PromQL expression: identifiers outside label matchers, groupings, ranges and strings. */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"[^"]*"/g, '')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ');
  return [...new Set(stripped.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? [])].filter((word) => !PROMQL_WORDS.has(word));
}
