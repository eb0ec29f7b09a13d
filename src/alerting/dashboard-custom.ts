/**
 * A panel per custom metric the config names (`dashboard.metrics`): counters as rates,
 * gauges as values, histograms as mean and p95, each by the labels given.
 */
import type { DashboardMetric, ResolvedConfig } from '../config/types.js';
import { rate, series } from './dashboard-queries.js';
import { type Draft, type Target, row, timeseries } from './grafana-panels.js';

type Metric = ResolvedConfig['dashboard']['metrics'][number];

function targets({ metric, kind, labels = [] }: Metric): Target[] {
  const sum = (inner: string, extra: string[] = []) => {
    const by = [...extra, ...labels];
    return `sum${by.length > 0 ? ` by (${by.join(', ')})` : ''} (${inner})`;
  };
  const legend = (prefix: string) => [prefix, ...labels.map((label) => `{{${label}}}`)].filter(Boolean).join(' ') || metric;
  switch (kind) {
    case 'counter':
      return [{ expr: sum(rate(metric)), legend: legend('') }];
    case 'gauge':
      return [{ expr: sum(series(metric)), legend: legend('') }];
    case 'histogram':
      return [
        { expr: `${sum(rate(`${metric}_sum`))} / ${sum(rate(`${metric}_count`))}`, legend: legend('avg') },
        { expr: `histogram_quantile(0.95, ${sum(rate(`${metric}_bucket`), ['le'])})`, legend: legend('p95') },
      ];
  }
}

const WHAT: Record<DashboardMetric['kind'], string> = { counter: 'per second', gauge: 'current value', histogram: 'mean and p95' };
const UNIT: Record<DashboardMetric['kind'], string> = { counter: 'ops', gauge: 'short', histogram: 'short' };

export function customMetricPanels(config: ResolvedConfig): Draft[] {
  const { metrics } = config.dashboard;
  if (metrics.length === 0) return [];
  return [
    row('Service metrics'),
    ...metrics.map((metric) =>
      timeseries({
        title: metric.title ?? metric.metric,
        description: `${metric.metric}: ${WHAT[metric.kind]}${metric.labels?.length ? ` by ${metric.labels.join(', ')}` : ''}.`,
        unit: metric.unit ?? UNIT[metric.kind],
        targets: targets(metric),
      }),
    ),
  ];
}
