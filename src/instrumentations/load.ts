/**
 * Builds the instrumentations the config enables, lazily: a package is required only when
 * its instrumentation is on and the module it patches is installed for the app. This is
 * where start-up time is won over loading every instrumentation up front.
 */
import { createRequire } from 'node:module';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { ResolvedConfig } from '../config/types.js';
import type { SecretMatcher } from '../secrets.js';
import { INSTRUMENTATION_CATALOG } from '../config/instrumentation-catalog.js';
import { beaconDefaults } from './defaults.js';
import { isInstalled } from './installed.js';
import { withoutSecretHeaders } from './secret-headers.js';

// Beacon's own dependencies, each one package per instrumentation (not auto-instrumentations-node,
// which would bring the whole NodeSDK, gRPC exporters and cloud detectors into every install).
const requireInstrumentation = createRequire(import.meta.url);

export interface InstrumentationPlan {
  instrumentations: Instrumentation[];
  /** Names that were constructed and will be enabled. */
  applied: string[];
  /** Names left out, with the reason (for the debug dump). */
  skipped: { name: string; reason: string }[];
}

export function createInstrumentations(config: ResolvedConfig, appDirs: readonly string[], secrets: SecretMatcher): InstrumentationPlan {
  const plan: InstrumentationPlan = { instrumentations: [], applied: [], skipped: [] };
  for (const [name, entry] of INSTRUMENTATION_CATALOG) {
    const setting = config.instrumentations[name];
    if (setting === false || (setting === undefined && !entry.enabledByDefault)) {
      plan.skipped.push({ name, reason: setting === false ? 'disabled in config' : 'off by default' });
      continue;
    }
    if (entry.targets.length > 0 && !entry.targets.some((target) => isInstalled(target, appDirs))) {
      plan.skipped.push({ name, reason: `${entry.targets.join('/')} not installed` });
      continue;
    }
    try {
      const module = requireInstrumentation(entry.package) as Record<string, new (options: object) => Instrumentation>;
      const userOptions = typeof setting === 'object' ? setting : {};
      const options = withoutSecretHeaders(name, { ...beaconDefaults(name, config), ...userOptions }, secrets);
      plan.instrumentations.push(new module[entry.className]!(options));
      plan.applied.push(name);
    } catch (error) {
      plan.skipped.push({ name, reason: `failed to load: ${(error as Error).message}` });
    }
  }
  return plan;
}
