/**
 * `beacon-otel rules` and `beacon-otel dashboard`: the Prometheus rules and the Grafana
 * dashboard of the config, on stdout or into the file given with `-o`.
 */
import { writeFileSync } from 'node:fs';
import { grafanaDashboard } from '../alerting/dashboard.js';
import { prometheusRules } from '../alerting/rules.js';
import type { LoadedConfig } from './load.js';

export const GENERATORS = { rules: prometheusRules, dashboard: grafanaDashboard } as const;

export function generate(kind: keyof typeof GENERATORS, { config, warnings }: LoadedConfig, output: string | undefined): number {
  for (const line of warnings) console.error(`[beacon] ${line}`);
  const text = GENERATORS[kind](config);
  if (output === undefined) process.stdout.write(text);
  else writeFileSync(output, text);
  return 0;
}
