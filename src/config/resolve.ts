/**
 * `resolveConfig(options, env)`: the one pure function that turns what the user wrote and
 * the environment into the frozen ResolvedConfig every module receives.
 *
 * Precedence, field by field: the config object, then the environment, then the default.
 * The service's name (and its version, unless one is set) falls back to the app's
 * package.json before the default: a service started without configuration is still named.
 * One exception, the kill switch: OTEL_SDK_DISABLED=true switches Beacon off whatever the
 * code says (env.ts decides it; here its layer just goes on top).
 */
import { isPlainObject } from './checks.js';
import { DEFAULT_GRPC_ENDPOINT, defaultConfig } from './defaults.js';
import { moveDeprecatedKeys } from './deprecated.js';
import { type Env, readEnv } from './env.js';
import { configSchema } from './schema.js';
import type { BeaconConfig, MutableResolvedConfig, ResolvedConfig, UnresolvedConfig, ValueSource } from './types.js';

export interface Resolution {
  config: ResolvedConfig;
  /** Dotted leaf path → where its value came from (for the debug dump). */
  sources: ReadonlyMap<string, ValueSource>;
  /** One line per ignored env value, and one about deprecated keys in the config object. */
  warnings: readonly string[];
}

/** What the app's nearest package.json says (read by sdk/app-context.ts: resolveConfig reads no files). */
export interface AppPackage {
  name?: string;
  version?: string;
}

/** Throws BeaconConfigError for a bad config object; never throws for bad env values. */
export function resolveConfig(options: BeaconConfig = {}, env: Env = {}, appPackage: AppPackage = {}): Resolution {
  const fromCode = configSchema(options, '');
  const deprecation = moveDeprecatedKeys(fromCode);
  const fromEnv = readEnv(env);
  const sources = new Map<string, ValueSource>();
  const setFromEnv = (path: string) => sources.set(path, `env:${fromEnv.sources.get(path) ?? envSourceOf(path, fromEnv.sources)}`);

  // shape.ts checks that the checked config fits the defaults' shape, field by field.
  const merged = defaultConfig();
  mergeInto(merged, fromEnv.values, '', setFromEnv);
  mergeInto(merged, fromCode, '', (path) => sources.set(path, 'config'));
  mergeInto(merged, fromEnv.overrides, '', setFromEnv);
  // The version goes with the name: a package.json version under a configured name may be another app's.
  if (appPackage.name !== undefined && !sources.has('service.name')) {
    mergeInto(merged, { service: { name: appPackage.name, version: sources.has('service.version') ? undefined : appPackage.version } }, '',
      (path) => sources.set(path, 'package.json'));
  }

  grpcEndpoints(merged, sources);

  // Outputs without their own level follow logging.level.
  const { logging } = merged;
  const config: MutableResolvedConfig = {
    ...merged,
    logging: { ...logging, outputs: logging.outputs.map(({ type, level }) => ({ type, level: level ?? logging.level })) },
  };

  for (const path of leafPaths(merged, '')) if (!sources.has(path)) sources.set(path, 'default');
  return { config: deepFreeze(config), sources, warnings: deprecation ? [...fromEnv.warnings, deprecation] : fromEnv.warnings };
}

/**
 * OTLP/gRPC has no signal paths (OTel spec): with protocol 'grpc' the default endpoint is the
 * collector's gRPC port, and OTEL_EXPORTER_OTLP_ENDPOINT names the collector as given (env.ts
 * appended an HTTP signal path to it); an endpoint set for the signal is used as it is.
 */
function grpcEndpoints(merged: UnresolvedConfig, sources: ReadonlyMap<string, ValueSource>): void {
  for (const signal of ['tracing', 'metrics', 'logging'] as const) {
    const target = merged[signal].otlp;
    if (target.protocol !== 'grpc') continue;
    const source = sources.get(`${signal}.otlp.endpoint`);
    if (source === undefined) target.endpoint = DEFAULT_GRPC_ENDPOINT;
    else if (source === 'env:OTEL_EXPORTER_OTLP_ENDPOINT') target.endpoint = new URL(target.endpoint).origin;
  }
}

/** Values set from a whole object (e.g. headers) are attributed to the var that set the object. */
function envSourceOf(path: string, envSources: ReadonlyMap<string, string>): string {
  for (const [setPath, name] of envSources) if (path.startsWith(`${setPath}.`)) return name;
  return 'unknown';
}

/** Plain objects merge key by key; arrays and scalars replace. Reports each leaf it writes. */
function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>, prefix: string, onLeaf: (path: string) => void): void {
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined) continue;
    const path = prefix ? `${prefix}.${key}` : key;
    const current = target[key];
    if (isPlainObject(value) && isPlainObject(current)) {
      mergeInto(current, value, path, onLeaf);
    } else {
      target[key] = isPlainObject(value) ? structuredClone(value) : Array.isArray(value) ? [...value] : value;
      for (const leaf of leafPaths(value, path)) onLeaf(leaf);
    }
  }
}

function leafPaths(value: unknown, path: string): string[] {
  if (!isPlainObject(value) || Object.keys(value).length === 0) return [path];
  return Object.entries(value).flatMap(([key, child]) => leafPaths(child, `${path}.${key}`.replace(/^\./, '')));
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
