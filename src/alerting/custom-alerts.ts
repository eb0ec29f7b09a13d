/**
 * The user's own rules (`alerts.rules`): a PromQL `expr` taken as written, or the short
 * form `metric` `comparison` `threshold` on the service's own series.
 */
import type { ResolvedConfig } from '../config/types.js';
import { number, quoted, selector } from './promql.js';
import type { AlertingRule } from './rule-types.js';

export function customAlerts(config: ResolvedConfig): AlertingRule[] {
  const job = `job=${quoted(config.service.name)}`;
  return config.alerts.rules.map((rule) => {
    const expr = rule.expr ?? `${selector(rule.metric!, job)} ${rule.comparison} ${number(rule.threshold!)}`;
    return {
      alert: rule.name,
      expr,
      for: rule.for,
      labels: { severity: rule.severity },
      annotations: { summary: rule.summary, description: rule.description ?? `${rule.name}: \`${expr}\` has held for ${rule.for}.` },
    };
  });
}
