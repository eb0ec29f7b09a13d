/**
 * The SLO row of the dashboard, per objective: compliance over the SLO window against the
 * objective, the error budget left, and the burn rate over the alerts' windows. Computed
 * from the raw series, not from the recorded ones, so the row works (and follows the
 * `$instance` choice) before Prometheus has loaded the rules.
 */
import type { ResolvedConfig } from '../config/types.js';
import { FILTER } from './dashboard-queries.js';
import { type Draft, row, stat, timeseries } from './grafana-panels.js';
import { number } from './promql.js';
import { FAST_BURN, burnFactor, errorRatio, objectiveMatchers, objectiveWords } from './slo.js';
import { percent } from './wording.js';

/** The burn rates shown: the page alert's two long windows. */
const BURN_WINDOWS = ['1h', '6h'] as const;

export function sloPanels(config: ResolvedConfig): Draft[] {
  const { window, objectives } = config.slo;
  if (objectives.length === 0) return [];
  return [
    row(`Service level objectives (over ${window})`),
    ...objectives.flatMap((objective) => {
      const matchers = objectiveMatchers(config.service.name, objective, FILTER);
      const ratio = (range: string) => errorRatio(objective, matchers, range, '');
      const budget = number(1 - objective.objective);
      const page = number(burnFactor(FAST_BURN, window));
      return [
        stat({
          title: `${objective.name}: compliance`,
          description: `Share of good requests over ${window}; the objective is ${objectiveWords(objective)} (red below it).`,
          unit: 'percentunit',
          decimals: 3,
          width: 6,
          base: 'red',
          steps: [['green', objective.objective]],
          target: { expr: `1 - (${ratio(window)})`, legend: 'compliance' },
        }),
        stat({
          title: `${objective.name}: error budget remaining`,
          description: `Share of the ${window} error budget (${percent(1 - objective.objective)} bad requests) not spent yet; below 0 the objective is missed.`,
          unit: 'percentunit',
          decimals: 1,
          width: 6,
          base: 'red',
          steps: [['orange', 0], ['green', 0.25]],
          target: { expr: `1 - (${ratio(window)}) / ${budget}`, legend: 'budget remaining' },
        }),
        timeseries({
          title: `${objective.name}: burn rate`,
          description: `How many times faster than the objective allows the budget is spent (1 = exactly spent by the end of ${window}); the page alert fires above ${page} over ${FAST_BURN.long} and ${FAST_BURN.short}.`,
          unit: 'short',
          targets: BURN_WINDOWS.map((range) => ({ expr: `(${ratio(range)}) / ${budget}`, legend: range })),
        }),
      ];
    }),
  ];
}
