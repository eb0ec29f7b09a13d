/**
 * The `alerts`, `slo` and `dashboard` sections: what is watched, when someone is paged and
 * what the generated dashboard shows. Beacon itself does not evaluate them; `beacon-otel
 * rules` and `beacon-otel dashboard` turn them into Prometheus rules and a Grafana dashboard.
 */
import type { AlertComparison, AlertSeverity, DashboardMetricKind, SloKind } from './enums.js';

/** One built-in alert: changed field by field, or turned off with `enabled: false`. */
export interface BuiltInAlert {
  enabled?: boolean;
  /** What the alert compares with; its unit depends on the alert (see the README). */
  threshold?: number;
  /** How long the condition must hold before the alert fires, as a Prometheus duration ('5m'). */
  for?: string;
  severity?: AlertSeverity;
}

/** A rule of the user's own: a PromQL `expr`, or `metric` `comparison` `threshold`. */
export interface AlertRule {
  /** The alert's name (`alertname`), e.g. 'OrdersBacklog'. */
  name: string;
  /** A PromQL condition; the alert fires for each series it returns. */
  expr?: string;
  /** A Prometheus series name of this service, compared with `threshold`: the short form of `expr`. */
  metric?: string;
  comparison?: AlertComparison;
  threshold?: number;
  for?: string;
  severity?: AlertSeverity;
  summary?: string;
  description?: string;
}

/** A service level objective over `slo.window`. */
export interface SloObjective {
  /** Short name, the `slo` label of its rules and alerts, e.g. 'orders-availability'. */
  name: string;
  kind: SloKind;
  /** Target share of good requests, e.g. 0.999. */
  objective: number;
  /** 'latency' only: seconds a good request takes at most; one of the HTTP duration histogram's bucket bounds. */
  threshold?: number;
  /** Only this route template (`http.route`), e.g. '/api/orders'. */
  route?: string;
  /** Only this HTTP method. */
  method?: string;
}

/** A custom metric of the service, shown on its own panel of the generated dashboard. */
export interface DashboardMetric {
  /** The Prometheus series name: 'database_writes_total' for a counter, the base name for a histogram. */
  metric: string;
  kind: DashboardMetricKind;
  /** The labels the panel shows series by. */
  labels?: string[];
  title?: string;
  /** A Grafana unit, e.g. 'ops', 's', 'bytes'. */
  unit?: string;
}

export interface AlertingConfig {
  alerts?: {
    /** Prometheus cannot scrape the service. */
    serviceDown?: Omit<BuiltInAlert, 'threshold'>;
    /** Share of HTTP requests answered 5xx. */
    errorRate?: BuiltInAlert;
    /** p95 of HTTP request duration, seconds. */
    latency?: BuiltInAlert;
    /** p95 of an `@Instrumented` method's duration, seconds, per component and method. */
    componentLatency?: BuiltInAlert;
    /** Resident memory, bytes. */
    memory?: BuiltInAlert;
    /** Used V8 heap as a share of its limit. */
    heap?: BuiltInAlert;
    /** p99 event loop delay, seconds. */
    eventLoopDelay?: BuiltInAlert;
    /** Share of telemetry items dropped or failed to export. */
    exportFailures?: BuiltInAlert;
    rules?: AlertRule[];
  };
  slo?: {
    /** The period each objective is measured over, e.g. '30d' (at least '3d'). */
    window?: string;
    objectives?: SloObjective[];
  };
  dashboard?: {
    metrics?: DashboardMetric[];
    /** Jaeger's UI, which the dashboard's trace links open; null for no links. */
    jaegerUrl?: string | null;
  };
}

export interface ResolvedBuiltInAlert {
  enabled: boolean;
  threshold: number;
  for: string;
  severity: AlertSeverity;
}

export type ResolvedAlertRule = AlertRule & Required<Pick<AlertRule, 'for' | 'severity' | 'summary'>>;

export interface ResolvedAlerting {
  alerts: {
    serviceDown: Omit<ResolvedBuiltInAlert, 'threshold'>;
    errorRate: ResolvedBuiltInAlert;
    latency: ResolvedBuiltInAlert;
    componentLatency: ResolvedBuiltInAlert;
    memory: ResolvedBuiltInAlert;
    heap: ResolvedBuiltInAlert;
    eventLoopDelay: ResolvedBuiltInAlert;
    exportFailures: ResolvedBuiltInAlert;
    rules: ResolvedAlertRule[];
  };
  slo: { window: string; objectives: SloObjective[] };
  dashboard: { metrics: DashboardMetric[]; jaegerUrl: string | null };
}

/** The built-in alerts by their config key. */
export type BuiltInAlertName = Exclude<keyof ResolvedAlerting['alerts'], 'rules'>;
