/**
 * Builds the instrumentations the config enables (plan.ts decides which), lazily: a package
 * is required only when its instrumentation is on and the module it patches is installed for
 * the app. This is where start-up time is won over loading every instrumentation up front.
 */
import { createRequire } from 'node:module';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { ResolvedConfig } from '../config/types.js';
import type { SecretMatcher } from '../secrets.js';
import { shareBuiltinPatchesWithEsm } from './builtin-esm-patches.js';
import { beaconDefaults, withUserOptions } from './defaults.js';
import { useLightLayerPath } from './express-layers.js';
import { type LightServerPathOptions, useLightServerPath } from './http-server.js';
import { type SkippedInstrumentation, planInstrumentations } from './plan.js';
import { targetModules } from './targets.js';
import { withoutSecretHeaders } from './secret-headers.js';

// Beacon's own dependencies, each one package per instrumentation (not auto-instrumentations-node,
// which would bring the whole NodeSDK, gRPC exporters and cloud detectors into every install).
const requireInstrumentation = createRequire(import.meta.url);

export interface InstrumentationPlan {
  instrumentations: Instrumentation[];
  /** Names that were constructed and will be enabled. */
  applied: string[];
  /** Names left out, with the reason (for the debug dump). */
  skipped: SkippedInstrumentation[];
  /** The modules they patch: what the ESM loader hook wraps. */
  targets: string[];
}

/** What the composition root decides for the http instrumentation's server path. */
export interface ServerPathChoices {
  /** The app adds span processors of its own (beaconNodeSdk), which may read a span's attributes as it starts. */
  appSpanProcessors?: boolean;
  /** Where its duration points go, given the instrumentation's scope; upstream's histogram when this gives none. */
  durations?: (scope: InstrumentationScope) => LightServerPathOptions['recordDuration'];
}

export function createInstrumentations(config: ResolvedConfig, appDirs: readonly string[], secrets: SecretMatcher, serverPath: ServerPathChoices = {}): InstrumentationPlan {
  const { apply, skipped } = planInstrumentations(config, appDirs);
  const plan: InstrumentationPlan = { instrumentations: [], applied: [], skipped, targets: [] };
  for (const { name, entry, setting } of apply) {
    try {
      const module = requireInstrumentation(entry.package) as Record<string, new (options: object) => Instrumentation>;
      const userOptions = typeof setting === 'object' ? setting : {};
      const options = withoutSecretHeaders(name, withUserOptions(beaconDefaults(name, config), userOptions), secrets);
      const instrumentation = new module[entry.className]!(options);
      if (name === 'http') {
        useLightServerPath(instrumentation, {
          attributesAtStart: config.tracing.sampler.rules.length > 0 || serverPath.appSpanProcessors === true,
          recordDuration: serverPath.durations?.({ name: instrumentation.instrumentationName, version: instrumentation.instrumentationVersion }),
        });
      }
      if (name === 'express') useLightLayerPath(instrumentation);
      plan.instrumentations.push(instrumentation);
      plan.applied.push(name);
    } catch (error) {
      plan.skipped.push({ name, reason: `failed to load: ${(error as Error).message}` });
    }
  }
  plan.targets = targetModules(plan.instrumentations);
  shareBuiltinPatchesWithEsm(plan.targets);
  return plan;
}
