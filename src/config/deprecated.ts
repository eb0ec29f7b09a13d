/**
 * Keys that moved, read for one release at their old place with one warning. Tracing kept
 * its exporter target flat on `tracing` (`tracing.endpoint`, …) while metrics and logging
 * nest theirs under `otlp`; it is `tracing.otlp` now. The old keys are the target's own
 * keys: the schema accepts them on `tracing` with the target's checks.
 */
import { type CheckedConfig, otlpTarget } from './schema.js';
import type { OtlpTarget } from './types.js';

export type DeprecatedPath = `tracing.${keyof OtlpTarget}`;

/**
 * Moves the old flat keys of a checked config under `tracing.otlp` (the new key wins when
 * both are given) and returns the one warning to say about it, or null.
 */
export function moveDeprecatedKeys(config: CheckedConfig): string | null {
  const tracing: Record<string, unknown> = config.tracing ?? {};
  const given = Object.keys(otlpTarget.shape).filter((key) => tracing[key] !== undefined);
  if (given.length === 0) return null;
  const nested: Record<string, unknown> = { ...config.tracing?.otlp };
  const overridden = given.filter((key) => nested[key] !== undefined);
  for (const key of given) {
    nested[key] ??= tracing[key];
    delete tracing[key];
  }
  tracing.otlp = nested;
  const moves = given.map((key) => `tracing.${key} → tracing.otlp.${key}`).join(', ');
  const both = overridden.length ? `; ${overridden.map((key) => `tracing.otlp.${key}`).join(', ')} given too and used` : '';
  return `deprecated config key ${moves}${both}: tracing's exporter target is nested like metrics.otlp and logging.otlp; the old keys are read until the next release`;
}
