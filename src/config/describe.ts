/**
 * The resolved config leaf by leaf, each value with where it came from and every secret
 * masked: what the start-up debug dump and `beacon-otel config`/`doctor` print, so that
 * what is shown and what is hidden are decided in one place.
 */
import { REDACTED, secretMatcher } from '../secrets.js';
import { splitPath } from './env.js';
import type { ResolvedConfig, ValueSource } from './types.js';

export interface DescribedValue {
  /** Dotted path, `tracing.otlp.endpoint`. */
  path: string;
  /** The value in force, or REDACTED for header values and credentials. */
  value: unknown;
  source: ValueSource;
}

/** Sorted by path. */
export function describeConfig(config: ResolvedConfig, sources: ReadonlyMap<string, ValueSource>): DescribedValue[] {
  const secrets = secretMatcher(config.privacy.secretKeys);
  return [...sources]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([path, source]) => ({ path, value: secrets.isSecretConfigPath(path) ? REDACTED : valueAt(config, path), source }));
}

function valueAt(config: ResolvedConfig, path: string): unknown {
  return splitPath(path).reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], config);
}
