/**
 * The `alerts`, `slo` and `dashboard` sections: bad values are coded config errors naming
 * the field; the generators turn a resolved config into rules and a dashboard that follow
 * it (thresholds, turned-off alerts, custom rules, objectives per route, the SLO window).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { BeaconConfigError, ErrorCodes, resolveConfig, type BeaconConfig } from '../../src/index.js';
import { grafanaDashboard } from '../../src/alerting/dashboard.js';
import { prometheusRules } from '../../src/alerting/rules.js';

type Rule = { alert?: string; record?: string; expr: string; for?: string; labels: Record<string, string>; annotations?: Record<string, string> };

const rulesOf = (options: BeaconConfig) =>
  (parse(prometheusRules(resolveConfig({ service: { name: 'shop' }, ...options }).config)) as { groups: { name: string; rules: Rule[] }[] }).groups;
const alertsOf = (options: BeaconConfig) => rulesOf(options).flatMap((group) => group.rules).filter((rule) => rule.alert);

const invalid: { name: string; options: unknown; field: string; error: RegExp; code?: string }[] = [
  { name: 'for not a duration', options: { alerts: { errorRate: { for: '5 minutes' } } }, field: 'alerts.errorRate.for', error: /Prometheus duration like '30s', '5m'.*got "5 minutes"/ },
  { name: 'for of zero', options: { alerts: { serviceDown: { for: '0s' } } }, field: 'alerts.serviceDown.for', error: /got "0s"/ },
  { name: 'severity', options: { alerts: { latency: { severity: 'page' } } }, field: 'alerts.latency.severity', error: /one of 'critical' \| 'warning' \| 'info', got "page"/ },
  { name: 'error rate above 1', options: { alerts: { errorRate: { threshold: 5 } } }, field: 'alerts.errorRate.threshold', error: /between 0 and 1, got 5/ },
  { name: 'negative latency', options: { alerts: { latency: { threshold: -1 } } }, field: 'alerts.latency.threshold', error: /> 0 \(seconds\), got -1/ },
  { name: 'threshold on service down', options: { alerts: { serviceDown: { threshold: 1 } } }, field: 'alerts.serviceDown.threshold', error: /unknown key 'threshold'/, code: ErrorCodes.UNKNOWN_KEY },
  { name: 'unknown alert', options: { alerts: { errorRates: {} } }, field: 'alerts.errorRates', error: /Did you mean 'errorRate'/, code: ErrorCodes.UNKNOWN_KEY },
  { name: 'rule without name', options: { alerts: { rules: [{ expr: 'up == 0' }] } }, field: 'alerts.rules[0].name', error: /alert name/ },
  { name: 'rule name with spaces', options: { alerts: { rules: [{ name: 'Orders backlog', expr: 'x > 1' }] } }, field: 'alerts.rules[0].name', error: /got "Orders backlog"/ },
  { name: 'rule with a bad for', options: { alerts: { rules: [{ name: 'Backlog', expr: 'x > 1', for: '10' }] } }, field: 'alerts.rules[0].for', error: /got "10"/ },
  { name: 'rule with a bad severity', options: { alerts: { rules: [{ name: 'Backlog', expr: 'x > 1', severity: 'high' }] } }, field: 'alerts.rules[0].severity', error: /got "high"/ },
  { name: 'rule with expr and metric', options: { alerts: { rules: [{ name: 'Backlog', expr: 'x > 1', metric: 'x' }] } }, field: 'alerts.rules[0]', error: /not both/ },
  { name: 'rule without condition', options: { alerts: { rules: [{ name: 'Backlog' }] } }, field: 'alerts.rules[0].metric', error: /or give `expr`/ },
  { name: 'rule without comparison', options: { alerts: { rules: [{ name: 'Backlog', metric: 'queue_size', threshold: 3 }] } }, field: 'alerts.rules[0].comparison', error: /'>' \| '>='/ },
  { name: 'rule comparison', options: { alerts: { rules: [{ name: 'Backlog', metric: 'queue_size', comparison: '=>', threshold: 3 }] } }, field: 'alerts.rules[0].comparison', error: /got "=>"/ },
  { name: 'rule metric name', options: { alerts: { rules: [{ name: 'Backlog', metric: 'queue.size', comparison: '>', threshold: 3 }] } }, field: 'alerts.rules[0].metric', error: /Prometheus metric name, got "queue.size"/ },
  { name: 'rule names repeat', options: { alerts: { rules: [{ name: 'A', expr: 'x' }, { name: 'A', expr: 'y' }] } }, field: 'alerts.rules[1].name', error: /not used before/ },
  { name: 'slo window too short', options: { slo: { window: '1d' } }, field: 'slo.window', error: /at least '3d'/ },
  { name: 'slo objective as a percentage', options: { slo: { objectives: [{ name: 'a', kind: 'availability', objective: 99.9 }] } }, field: 'slo.objectives[0].objective', error: /share between 0 and 1, e\.g\. 0\.999, got 99\.9/ },
  { name: 'slo objective of 1', options: { slo: { objectives: [{ name: 'a', kind: 'availability', objective: 1 }] } }, field: 'slo.objectives[0].objective', error: /got 1$/ },
  { name: 'slo kind', options: { slo: { objectives: [{ name: 'a', kind: 'errors', objective: 0.99 }] } }, field: 'slo.objectives[0].kind', error: /'availability' \| 'latency', got "errors"/ },
  { name: 'latency slo without threshold', options: { slo: { objectives: [{ name: 'a', kind: 'latency', objective: 0.99 }] } }, field: 'slo.objectives[0].threshold', error: /seconds for a latency objective/ },
  { name: 'latency threshold off the buckets', options: { slo: { objectives: [{ name: 'a', kind: 'latency', objective: 0.99, threshold: 0.3 }] } }, field: 'slo.objectives[0].threshold', error: /bucket bounds \(0\.005, .*got 0\.3$/ },
  { name: 'availability with threshold', options: { slo: { objectives: [{ name: 'a', kind: 'availability', objective: 0.99, threshold: 0.5 }] } }, field: 'slo.objectives[0].threshold', error: /no threshold/ },
  { name: 'slo route', options: { slo: { objectives: [{ name: 'a', kind: 'availability', objective: 0.99, route: 'api/orders' }] } }, field: 'slo.objectives[0].route', error: /starting with '\/'/ },
  { name: 'slo names repeat', options: { slo: { objectives: [{ name: 'a', kind: 'availability', objective: 0.99 }, { name: 'a', kind: 'availability', objective: 0.9 }] } }, field: 'slo.objectives[1].name', error: /not used before/ },
  { name: 'dashboard metric kind', options: { dashboard: { metrics: [{ metric: 'x_total', kind: 'summary' }] } }, field: 'dashboard.metrics[0].kind', error: /'counter' \| 'gauge' \| 'histogram', got "summary"/ },
  { name: 'dashboard metric label', options: { dashboard: { metrics: [{ metric: 'x_total', kind: 'counter', labels: ['a-b'] }] } }, field: 'dashboard.metrics[0].labels[0]', error: /label name/ },
];

for (const row of invalid) {
  test(`config error: ${row.name}`, () => {
    assert.throws(
      () => resolveConfig(row.options as BeaconConfig),
      (error: unknown) => {
        assert.ok(error instanceof BeaconConfigError, String(error));
        assert.equal(error.code, row.code ?? ErrorCodes.INVALID_VALUE);
        assert.equal(error.field, row.field);
        assert.match(error.message, row.error);
        return true;
      },
    );
  });
}

test('a latency threshold may be a bound of a view on the HTTP duration instead of the default buckets', () => {
  const { config } = resolveConfig({
    metrics: { views: { 'http.server.request.duration': { buckets: [0.1, 0.3, 1] } } },
    slo: { objectives: [{ name: 'fast', kind: 'latency', objective: 0.99, threshold: 0.3 }] },
  });
  assert.equal(config.slo.objectives[0]!.threshold, 0.3);
});

test('defaults: every built-in alert on, on the service\'s job, in one group; no SLO group without objectives', () => {
  const groups = rulesOf({});
  assert.deepEqual(groups.map((group) => group.name), ['shop-alerts']);
  assert.deepEqual(groups[0]!.rules.map((rule) => rule.alert), [
    'ServiceDown', 'HighErrorRate', 'HighLatencyP95', 'SlowComponent', 'HighMemoryUsage', 'HeapNearLimit', 'EventLoopDelayHigh', 'TelemetryExportFailing',
  ]);
  for (const rule of groups[0]!.rules) assert.match(rule.expr, /job="shop"/, `${rule.alert} filters on the job`);
});

test('a built-in alert follows its threshold, for and severity, and enabled: false leaves it out', () => {
  const alerts = alertsOf({ alerts: { latency: { threshold: 0.25, for: '15m', severity: 'critical' }, memory: { enabled: false } } });
  const latency = alerts.find((rule) => rule.alert === 'HighLatencyP95')!;
  assert.match(latency.expr, /> 0\.25$/);
  assert.equal(latency.for, '15m');
  assert.equal(latency.labels.severity, 'critical');
  assert.match(latency.annotations!.description!, /above 250 ms for 15m/);
  assert.ok(!alerts.some((rule) => rule.alert === 'HighMemoryUsage'));
});

test('custom rules: the short form reads the service\'s series; expr is taken as written; defaults for for, severity and summary', () => {
  const alerts = alertsOf({
    alerts: {
      rules: [
        { name: 'OrdersBacklog', metric: 'orders_pending', comparison: '>=', threshold: 100, for: '2m', severity: 'critical', summary: 'backlog' },
        { name: 'NoOrders', expr: 'sum(rate(orders_created_total[10m])) == 0' },
      ],
    },
  });
  const backlog = alerts.find((rule) => rule.alert === 'OrdersBacklog')!;
  assert.deepEqual([backlog.expr, backlog.for, backlog.labels.severity, backlog.annotations!.summary], ['orders_pending{job="shop"} >= 100', '2m', 'critical', 'backlog']);
  const none = alerts.find((rule) => rule.alert === 'NoOrders')!;
  assert.deepEqual([none.expr, none.for, none.labels.severity], ['sum(rate(orders_created_total[10m])) == 0', '5m', 'warning']);
  assert.match(none.annotations!.summary!, /NoOrders/);
  assert.ok(none.annotations!.description);
});

test('SLOs: five recorded windows per objective, narrowed to its route and method; burn factors scale with the SLO window', () => {
  const objectives = [{ name: 'checkout', kind: 'latency', objective: 0.999, threshold: 1, route: '/api/checkout', method: 'post' }] as const;
  const [, slo] = rulesOf({ slo: { window: '30d', objectives: [...objectives] } });
  const records = slo!.rules.filter((rule) => rule.record);
  assert.deepEqual(records.map((rule) => rule.record), ['5m', '30m', '1h', '6h', '3d'].map((w) => `slo:error_ratio:rate${w}`));
  for (const rule of records) {
    assert.equal(rule.labels.slo, 'checkout');
    assert.match(rule.expr, /http_route="\/api\/checkout", http_request_method="POST", le=~"1\(\\\\\.0\)\?"/);
  }
  const fast = (window: string) => rulesOf({ slo: { window, objectives: [...objectives] } })[1]!.rules.find((rule) => rule.alert === 'ErrorBudgetBurnFast')!.expr;
  assert.match(fast('30d'), /rate1h\{slo="checkout"\} > \(14\.4 \* 0\.001\) and .*rate5m.* or .*rate6h\{slo="checkout"\} > \(6 \* 0\.001\) and .*rate30m/);
  // 2 % of a 7-day budget in 1 h: 0.02 × 168 h / 1 h.
  assert.match(fast('7d'), /> \(3\.36 \* 0\.001\)/);
});

test('the generated text is the same for the same config', () => {
  const options: BeaconConfig = { service: { name: 'shop' }, slo: { objectives: [{ name: 'a', kind: 'availability', objective: 0.99 }] } };
  assert.equal(prometheusRules(resolveConfig(options).config), prometheusRules(resolveConfig(options).config));
  assert.equal(grafanaDashboard(resolveConfig(options).config), grafanaDashboard(resolveConfig(options).config));
});

test('dashboard: named for the service, an SLO row per objective, a panel per declared metric, every query on $service and $instance', () => {
  const { config } = resolveConfig({
    service: { name: 'Shop API' },
    slo: { objectives: [{ name: 'shop-availability', kind: 'availability', objective: 0.99 }] },
    dashboard: { metrics: [{ metric: 'cart_size', kind: 'histogram', labels: ['tier'] }, { metric: 'queue_depth', kind: 'gauge', title: 'Queue' }] },
  });
  const dashboard = JSON.parse(grafanaDashboard(config)) as { uid: string; title: string; panels: { title: string; targets?: { expr: string; legendFormat: string }[] }[] };
  assert.equal(dashboard.uid, 'beacon-shop-api');
  assert.equal(dashboard.title, 'Beacon — Shop API');
  const panel = (title: string) => dashboard.panels.find((p) => p.title === title);
  assert.ok(panel('shop-availability: compliance') && panel('shop-availability: error budget remaining') && panel('shop-availability: burn rate'));
  assert.deepEqual(panel('cart_size')!.targets!.map((t) => t.expr), [
    'sum by (tier) (rate(cart_size_sum{job=~"$service", instance=~"$instance"}[$__rate_interval])) / sum by (tier) (rate(cart_size_count{job=~"$service", instance=~"$instance"}[$__rate_interval]))',
    'histogram_quantile(0.95, sum by (le, tier) (rate(cart_size_bucket{job=~"$service", instance=~"$instance"}[$__rate_interval])))',
  ]);
  assert.deepEqual(panel('Queue')!.targets!.map((t) => [t.expr, t.legendFormat]), [['sum (queue_depth{job=~"$service", instance=~"$instance"})', 'queue_depth']]);
  for (const p of dashboard.panels) for (const t of p.targets ?? []) assert.match(t.expr, /job=~"\$service", instance=~"\$instance"/, p.title);
});

test('dashboard: trace links open dashboard.jaegerUrl; null leaves them out', () => {
  const links = (jaegerUrl: string | null) => {
    const dashboard = JSON.parse(grafanaDashboard(resolveConfig({ dashboard: { jaegerUrl } }).config)) as {
      links: { url: string }[];
      panels: { links?: { url: string }[]; fieldConfig?: { defaults?: { links?: { url: string }[] } } }[];
    };
    return [...dashboard.links, ...dashboard.panels.flatMap((p) => [...(p.links ?? []), ...(p.fieldConfig?.defaults?.links ?? [])])].map((link) => link.url);
  };
  const urls = links('https://jaeger.example.com/');
  assert.ok(urls.length >= 3 && urls.every((url) => url.startsWith('https://jaeger.example.com/search?') || url === 'https://jaeger.example.com/monitor'), urls.join('\n'));
  assert.deepEqual(links(null), []);
  assert.throws(() => resolveConfig({ dashboard: { jaegerUrl: 'jaeger:16686' } }), /dashboard\.jaegerUrl: expected an http:\/\/ or https:\/\/ URL/);
});
