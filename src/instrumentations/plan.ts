/**
 * Which instrumentations the config and the app's installed packages call for, decided
 * without loading any of them: load.ts builds what this plans, and `beacon-otel doctor`
 * prints the plan without building anything.
 */
import type { ResolvedConfig } from '../config/types.js';
import { type CatalogEntry, INSTRUMENTATION_CATALOG } from '../config/instrumentation-catalog.js';
import { isInstalled } from './installed.js';

export interface SkippedInstrumentation {
  name: string;
  reason: string;
}

export interface PlannedInstrumentations {
  /** To be built, with the user's setting (`true`, an options object, or nothing said). */
  apply: { name: string; entry: CatalogEntry; setting: ResolvedConfig['instrumentations'][string] | undefined }[];
  skipped: SkippedInstrumentation[];
}

export function planInstrumentations(config: ResolvedConfig, appDirs: readonly string[]): PlannedInstrumentations {
  const plan: PlannedInstrumentations = { apply: [], skipped: [] };
  for (const [name, entry] of INSTRUMENTATION_CATALOG) {
    const setting = config.instrumentations[name];
    if (setting === false || (setting === undefined && !entry.enabledByDefault)) {
      plan.skipped.push({ name, reason: setting === false ? 'disabled in config' : 'off by default' });
    } else if (entry.targets.length > 0 && !entry.targets.some((target) => isInstalled(target, appDirs))) {
      plan.skipped.push({ name, reason: `${entry.targets.join('/')} not installed` });
    } else {
      plan.apply.push({ name, entry, setting });
    }
  }
  const applied = new Set(plan.apply.map(({ name }) => name));
  const covered = plan.apply.filter(({ entry, setting }) => setting === undefined && entry.coveredBy && applied.has(entry.coveredBy));
  for (const { name, entry } of covered) plan.skipped.push({ name, reason: `covered by ${entry.coveredBy} (turn it on in the config to trace both)` });
  plan.apply = plan.apply.filter((planned) => !covered.includes(planned));
  return plan;
}
