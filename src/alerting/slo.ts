/**
 * SLO objectives → recording rules and multi-window, multi-burn-rate alerts (the Google SRE
 * workbook, "Alerting on SLOs"): the error ratio of each objective is recorded over five
 * windows, and an alert fires when both a long and a short window burn the error budget
 * faster than a factor. The factors spend a fixed share of the budget in the long window —
 * 2 % in 1 h and 5 % in 6 h page, 10 % in 3 d opens a ticket — so over 30 days they are the
 * workbook's 14.4, 6 and 1, and other SLO windows scale them.
 */
import { durationSeconds } from '../config/duration.js';
import type { ResolvedConfig, SloObjective } from '../config/types.js';
import { SERIES, bucketMatcher, number, quoted, selector } from './promql.js';
import type { AlertingRule, RecordingRule } from './rule-types.js';
import { duration, percent } from './wording.js';

const WINDOWS = ['5m', '30m', '1h', '6h', '3d'] as const;
type Window = (typeof WINDOWS)[number];

interface BurnCondition {
  long: Window;
  short: Window;
  /** Share of the whole error budget spent within `long` at this burn rate. */
  budgetSpent: number;
}

/** The first page condition: 2 % of the budget within an hour (14.4× over 30 days). */
export const FAST_BURN: BurnCondition = { long: '1h', short: '5m', budgetSpent: 0.02 };

const ALERTS = [
  { alert: 'ErrorBudgetBurnFast', severity: 'critical', for: '2m', conditions: [FAST_BURN, { long: '6h', short: '30m', budgetSpent: 0.05 }] },
  { alert: 'ErrorBudgetBurnSlow', severity: 'warning', for: '1h', conditions: [{ long: '3d', short: '6h', budgetSpent: 0.1 }] },
] as const satisfies readonly { alert: string; severity: string; for: string; conditions: readonly BurnCondition[] }[];

/** The name of the recorded error ratio over `window`. */
export const errorRatioSeries = (window: string) => `slo:error_ratio:rate${window}`;

/** How many times faster than allowed the budget burns when `budgetSpent` of it goes within `long`. */
export function burnFactor(condition: BurnCondition, sloWindow: string): number {
  return (condition.budgetSpent * durationSeconds(sloWindow)!) / durationSeconds(condition.long)!;
}

/** The matchers of an objective's requests: its service's job, then its route and method if it has them. */
export function objectiveMatchers(service: string, objective: SloObjective, job = `job=${quoted(service)}`): string[] {
  return [
    job,
    ...(objective.route ? [`http_route=${quoted(objective.route)}`] : []),
    ...(objective.method ? [`http_request_method=${quoted(objective.method)}`] : []),
  ];
}

/** PromQL of the share of bad requests among `matchers` over `range`, grouped `by`. */
export function errorRatio(objective: SloObjective, matchers: readonly string[], range: string, by = 'job'): string {
  const rate = (series: string, ...extra: string[]) => `sum by (${by}) (rate(${selector(series, ...matchers, ...extra)}[${range}]))`;
  const total = rate(`${SERIES.httpDuration}_count`);
  if (objective.kind === 'latency') return `1 - ${rate(`${SERIES.httpDuration}_bucket`, bucketMatcher(objective.threshold!))} / ${total}`;
  // No 5xx series until the first 5xx: count zero errors then, not no data.
  return `(${rate(`${SERIES.httpDuration}_count`, 'http_response_status_code=~"5.."')} or ${total} * 0) / ${total}`;
}

/** What the objective promises, in words: '99.9 % of GET /api/orders answered without 5xx'. */
export function objectiveWords(objective: SloObjective): string {
  const requests = [objective.method, objective.route].filter(Boolean).join(' ') || 'all requests';
  const good = objective.kind === 'latency' ? `faster than ${duration(objective.threshold!)}` : 'answered without 5xx';
  return `${percent(objective.objective)} of ${requests} ${good}`;
}

export function sloRecordingRules(config: ResolvedConfig): RecordingRule[] {
  return config.slo.objectives.flatMap((objective) =>
    WINDOWS.map((window) => ({
      record: errorRatioSeries(window),
      expr: errorRatio(objective, objectiveMatchers(config.service.name, objective), window),
      labels: { slo: objective.name },
    })),
  );
}

export function sloAlerts(config: ResolvedConfig): AlertingRule[] {
  const { window } = config.slo;
  return config.slo.objectives.flatMap((objective) => {
    const budget = 1 - objective.objective;
    const slo = `slo=${quoted(objective.name)}`;
    return ALERTS.map(({ alert, severity, for: after, conditions }) => {
      const clauses = conditions.map((condition) => {
        const limit = `(${number(burnFactor(condition, window))} * ${number(budget)})`;
        return `${selector(errorRatioSeries(condition.long), slo)} > ${limit} and ${selector(errorRatioSeries(condition.short), slo)} > ${limit}`;
      });
      const burns = conditions.map((c) => `${number(burnFactor(c, window))}× that share over ${c.long} and ${c.short}`).join(', or ');
      return {
        alert,
        expr: clauses.join(' or '),
        for: after,
        labels: { severity, slo: objective.name },
        annotations: {
          summary: `{{ $labels.job }}: SLO ${objective.name} burns its error budget ({{ $value | humanizePercentage }} of requests bad)`,
          description: `The objective ${objectiveWords(objective)} over ${window} allows ${percent(budget)} bad requests; they have been above ${burns}.`,
        },
      };
    });
  });
}
