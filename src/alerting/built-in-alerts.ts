/**
 * The built-in alerts of `alerts` in the config, for one service: each reads the series
 * Beacon serves, filtered to the service's job, with the threshold, `for` and severity the
 * config gives (its defaults: src/config/defaults.ts). Turned-off alerts are left out.
 */
import type { BuiltInAlertName, ResolvedConfig } from '../config/types.js';
import { SERIES, number, quoted, selector } from './promql.js';
import type { AlertingRule } from './rule-types.js';
import { bytes, duration, percent } from './wording.js';

/** Below this much traffic a few failed requests are no error rate worth waking someone for. */
const MIN_REQUESTS_PER_SECOND = 0.1;
const RATE_WINDOW = '5m';

type Setting = { threshold: number; for: string };
type Draft = Omit<AlertingRule, 'for' | 'labels'>;

const BUILT_IN: Record<BuiltInAlertName, (job: string, setting: Setting) => Draft> = {
  serviceDown: (job, { for: after }) => ({
    alert: 'ServiceDown',
    expr: `${selector('up', job)} == 0`,
    annotations: {
      summary: '{{ $labels.job }} on {{ $labels.instance }} is down',
      description: `Prometheus could not scrape {{ $labels.instance }} (job {{ $labels.job }}) for ${after}.`,
      runbook: 'Check that the process runs and that its metrics endpoint answers (beacon-otel doctor, in the app directory).',
    },
  }),
  errorRate: (job, { threshold, for: after }) => {
    const requests = (...matchers: string[]) => `sum by (job) (rate(${selector(`${SERIES.httpDuration}_count`, job, ...matchers)}[${RATE_WINDOW}]))`;
    return {
      alert: 'HighErrorRate',
      expr: `(${requests('http_response_status_code=~"5.."')} / ${requests()}) > ${number(threshold)} and ${requests()} > ${MIN_REQUESTS_PER_SECOND}`,
      annotations: {
        summary: '{{ $labels.job }}: {{ $value | humanizePercentage }} of requests fail with 5xx',
        description: `More than ${percent(threshold)} of the HTTP requests of {{ $labels.job }} answered 5xx over ${RATE_WINDOW} windows for ${after} (with at least ${MIN_REQUESTS_PER_SECOND} req/s of traffic).`,
      },
    };
  },
  latency: (job, { threshold, for: after }) => ({
    alert: 'HighLatencyP95',
    expr: `histogram_quantile(0.95, sum by (job, le) (rate(${selector(`${SERIES.httpDuration}_bucket`, job)}[${RATE_WINDOW}]))) > ${number(threshold)}`,
    annotations: {
      summary: '{{ $labels.job }}: p95 latency is {{ $value | humanizeDuration }}',
      description: `The 95th percentile of the HTTP request duration of {{ $labels.job }} has been above ${duration(threshold)} for ${after}.`,
    },
  }),
  componentLatency: (job, { threshold, for: after }) => ({
    alert: 'SlowComponent',
    expr: `histogram_quantile(0.95, sum by (job, component, method, le) (rate(${selector(`${SERIES.componentDuration}_bucket`, job)}[${RATE_WINDOW}]))) > ${number(threshold)}`,
    annotations: {
      summary: '{{ $labels.job }}: {{ $labels.component }}.{{ $labels.method }} p95 is {{ $value | humanizeDuration }}',
      description: `The 95th percentile of {{ $labels.component }}.{{ $labels.method }} (an @Instrumented method) has been above ${duration(threshold)} for ${after}.`,
    },
  }),
  memory: (job, { threshold, for: after }) => ({
    alert: 'HighMemoryUsage',
    expr: `${selector(SERIES.rss, job)} > ${number(threshold)}`,
    annotations: {
      summary: '{{ $labels.job }} on {{ $labels.instance }} uses {{ $value | humanize1024 }}B of memory',
      description: `Resident memory has been above ${bytes(threshold)} for ${after}: a leak or an undersized container.`,
    },
  }),
  heap: (job, { threshold, for: after }) => ({
    alert: 'HeapNearLimit',
    expr: `${selector(SERIES.heapUsed, job)} / ${selector(SERIES.heapLimit, job)} > ${number(threshold)}`,
    annotations: {
      summary: '{{ $labels.job }} on {{ $labels.instance }}: V8 heap {{ $value | humanizePercentage }} full',
      description: `The used heap has been above ${percent(threshold)} of the V8 heap limit for ${after}; the process is close to an out-of-memory crash.`,
    },
  }),
  eventLoopDelay: (job, { threshold, for: after }) => ({
    alert: 'EventLoopDelayHigh',
    expr: `${selector(SERIES.eventLoopP99, job)} > ${number(threshold)}`,
    annotations: {
      summary: '{{ $labels.job }} on {{ $labels.instance }}: event loop p99 delay {{ $value | humanizeDuration }}',
      description: `The 99th percentile of event loop delay has been above ${duration(threshold)} for ${after}: something blocks the loop (CPU-bound work, sync I/O, huge JSON).`,
    },
  }),
  exportFailures: (job, { threshold, for: after }) => {
    const items = (...matchers: string[]) => `sum by (job, instance, signal) (rate(${selector(SERIES.exporterItems, job, ...matchers)}[${RATE_WINDOW}]))`;
    return {
      alert: 'TelemetryExportFailing',
      expr: `${items('outcome!="exported"')} / ${items()} > ${number(threshold)}`,
      annotations: {
        summary: '{{ $labels.job }} on {{ $labels.instance }}: {{ $value | humanizePercentage }} of {{ $labels.signal }} lost',
        description: `More than ${percent(threshold)} of the {{ $labels.signal }} has been dropped or failed to export for ${after}: see beacon_exporter_items_total by reason and the [beacon] lines on stderr.`,
      },
    };
  },
};

export function builtInAlerts(config: ResolvedConfig): AlertingRule[] {
  const job = `job=${quoted(config.service.name)}`;
  return (Object.keys(BUILT_IN) as BuiltInAlertName[]).flatMap((name) => {
    const setting = config.alerts[name];
    if (!setting.enabled) return [];
    const { alert, expr, annotations } = BUILT_IN[name](job, { threshold: 'threshold' in setting ? setting.threshold : 0, for: setting.for });
    return [{ alert, expr, for: setting.for, labels: { severity: setting.severity }, annotations }];
  });
}
