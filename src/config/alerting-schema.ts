/**
 * The checks of the `alerts`, `slo` and `dashboard` sections (./alerting-types.ts). A rule
 * or objective is checked whole, so that one missing its expression or threshold fails
 * naming it; the one check that needs the resolved metrics config (a latency threshold must
 * be a bucket bound of the HTTP duration histogram) runs after the merge.
 */
import { BeaconConfigError, ErrorCodes } from '../errors.js';
import { type Check, arrayOf, bool, fail, httpUrl, nullable, num, obj, oneOf, str } from './checks.js';
import { DEFAULT_RULE } from './defaults.js';
import { durationSeconds } from './duration.js';
import { ALERT_COMPARISONS, ALERT_SEVERITIES, DASHBOARD_METRIC_KINDS, SLO_KINDS } from './enums.js';
import type { DashboardMetric, ResolvedAlertRule, SloObjective } from './alerting-types.js';
import type { MutableResolvedConfig } from './types.js';

/** At least the ticket alert's 3-day window. */
const MIN_SLO_WINDOW_SECONDS = 3 * 86_400;

const duration: Check<string> = (value, path) =>
  typeof value === 'string' && durationSeconds(value) !== undefined ? value : fail(path, "a Prometheus duration like '30s', '5m', '1h' or '30d'", value);
const severity = oneOf(ALERT_SEVERITIES);
const share = num({ min: 0, max: 1, what: 'a number between 0 and 1' });
const positive = (unit: string) => num({ min: Number.MIN_VALUE, what: `a number > 0 (${unit})` });
/** Metric and label names as Prometheus writes them. */
const metricName = str({ pattern: /^[a-zA-Z_:][a-zA-Z0-9_:]*$/, what: 'a Prometheus metric name' });
const labelName = str({ pattern: /^[a-zA-Z_][a-zA-Z0-9_]*$/, what: 'a Prometheus label name' });
const alertName = str({ pattern: /^[A-Za-z_][A-Za-z0-9_]*$/, what: "an alert name of letters, digits and '_'" });
const sloName = str({ pattern: /^[a-z0-9][a-z0-9_.-]*$/, what: "a lower-case name of letters, digits, '.', '_' and '-'" });
const text = str({ nonEmpty: true });

const builtInAlert = (threshold: Check<number>) => obj({ enabled: bool, threshold, for: duration, severity });

const alertRule: Check<ResolvedAlertRule> = (value, path) => {
  const rule = obj({ name: alertName, expr: text, metric: metricName, comparison: oneOf(ALERT_COMPARISONS), threshold: num(), for: duration, severity, summary: text, description: text })(value, path);
  if (rule.name === undefined) return fail(`${path}.name`, "an alert name of letters, digits and '_'", undefined);
  const short = rule.metric !== undefined || rule.comparison !== undefined || rule.threshold !== undefined;
  if (rule.expr !== undefined && short) return fail(path, '`expr`, or `metric`, `comparison` and `threshold`, not both', value);
  if (rule.expr === undefined) {
    if (rule.metric === undefined) return fail(`${path}.metric`, 'a Prometheus metric name (or give `expr`)', undefined);
    if (rule.comparison === undefined) return fail(`${path}.comparison`, `one of ${ALERT_COMPARISONS.map((c) => `'${c}'`).join(' | ')}`, undefined);
    if (rule.threshold === undefined) return fail(`${path}.threshold`, 'a number', undefined);
  }
  return { ...DEFAULT_RULE, summary: `{{ $labels.job }}: ${rule.name} ({{ $value }})`, ...rule, name: rule.name };
};

const sloKind = oneOf(SLO_KINDS);

const sloObjective: Check<SloObjective> = (value, path) => {
  const objective = obj({
    name: sloName,
    kind: sloKind,
    objective: num({ min: Number.MIN_VALUE, max: 1 - Number.EPSILON, what: 'a share between 0 and 1, e.g. 0.999' }),
    threshold: positive('seconds'),
    route: str({ pattern: /^\//, what: "a route template starting with '/'" }),
    method: str({ pattern: /^[A-Za-z]+$/, what: 'an HTTP method name' }),
  })(value, path);
  for (const key of ['name', 'kind', 'objective'] as const) {
    // A missing kind gets the check's own "one of …" error.
    if (objective[key] === undefined) {
      if (key === 'kind') sloKind(undefined, `${path}.kind`);
      else fail(`${path}.${key}`, 'a value', undefined);
    }
  }
  if (objective.kind === 'latency' && objective.threshold === undefined) fail(`${path}.threshold`, 'a number of seconds for a latency objective', undefined);
  if (objective.kind === 'availability' && objective.threshold !== undefined) fail(`${path}.threshold`, 'no threshold for an availability objective', objective.threshold);
  return { ...objective, name: objective.name!, kind: objective.kind!, objective: objective.objective!, ...(objective.method ? { method: objective.method.toUpperCase() } : {}) };
};

const sloWindow: Check<string> = (value, path) => {
  const window = duration(value, path);
  return durationSeconds(window)! >= MIN_SLO_WINDOW_SECONDS ? window : fail(path, "a duration of at least '3d', e.g. '30d'", value);
};

const dashboardMetricKind = oneOf(DASHBOARD_METRIC_KINDS);

const dashboardMetric: Check<DashboardMetric> = (value, path) => {
  const metric = obj({ metric: metricName, kind: dashboardMetricKind, labels: arrayOf(labelName, { unique: true }), title: text, unit: text })(value, path);
  if (metric.metric === undefined) return fail(`${path}.metric`, 'a Prometheus metric name', undefined);
  // A missing kind gets the check's own "one of …" error.
  return { ...metric, metric: metric.metric, kind: metric.kind ?? dashboardMetricKind(undefined, `${path}.kind`) };
};

/** Names must not repeat: they name the alerts and the `slo` label of the recorded series. */
function uniqueNames<T extends { name: string }>(check: Check<T>): Check<T[]> & { item: Check<T> } {
  const list = arrayOf(check);
  return Object.assign((value: unknown, path: string) => {
    const items = list(value, path);
    items.forEach((item, i) => {
      if (items.findIndex((other) => other.name === item.name) !== i) fail(`${path}[${i}].name`, 'a name not used before in the list', item.name);
    });
    return items;
  }, { item: check });
}

export const alertingSchema = {
  alerts: obj({
    serviceDown: obj({ enabled: bool, for: duration, severity }),
    errorRate: builtInAlert(share),
    latency: builtInAlert(positive('seconds')),
    componentLatency: builtInAlert(positive('seconds')),
    memory: builtInAlert(positive('bytes')),
    heap: builtInAlert(share),
    eventLoopDelay: builtInAlert(positive('seconds')),
    exportFailures: builtInAlert(share),
    rules: uniqueNames(alertRule),
  }),
  slo: obj({ window: sloWindow, objectives: uniqueNames(sloObjective) }),
  dashboard: obj({ metrics: arrayOf(dashboardMetric), jaegerUrl: nullable(httpUrl) }),
};

/** The bucket bounds of `http.server.request.duration` in this config (a view's, else the default). */
export function httpDurationBuckets(metrics: MutableResolvedConfig['metrics']): readonly number[] {
  return metrics.views['http.server.request.duration']?.buckets ?? metrics.buckets;
}

/** A latency objective counts requests in the buckets up to its threshold: it must be a bound. */
export function checkSloThresholds(config: MutableResolvedConfig): void {
  const buckets = httpDurationBuckets(config.metrics);
  config.slo.objectives.forEach((objective, i) => {
    if (objective.threshold !== undefined && !buckets.includes(objective.threshold)) {
      throw new BeaconConfigError(
        ErrorCodes.INVALID_VALUE,
        `slo.objectives[${i}].threshold`,
        `expected one of the HTTP duration histogram's bucket bounds (${buckets.join(', ')}; metrics.buckets or metrics.views['http.server.request.duration']), got ${objective.threshold}`,
      );
    }
  });
}
