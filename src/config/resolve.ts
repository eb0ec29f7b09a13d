/**
 * `resolveConfig(options, env)`: the one pure function that turns what the user wrote and
 * the environment into the frozen ResolvedConfig every module receives.
 *
 * Precedence, field by field: the config object, then the environment, then the default.
 * The service's name (and its version, unless one is set) falls back to the app's
 * package.json before the default: a service started without configuration is still named.
 * One exception, the kill switch: OTEL_SDK_DISABLED=true switches Beacon off whatever the
 * code says (env.ts decides it; here its layer just goes on top).
 *
 * With a declarative config file (OTEL_CONFIG_FILE, read by ./declarative-file.ts and handed
 * in), the file takes the place of the OTEL_* variables: the config object, then the file,
 * then Beacon's own variables and NODE_ENV, then the default; the file's `disabled: true` is
 * the kill switch.
 */
import { checkSloThresholds } from './alerting-schema.js';
import { isPlainObject } from './checks.js';
import { DEFAULT_GRPC_ENDPOINT, defaultConfig } from './defaults.js';
import { moveDeprecatedKeys } from './deprecated.js';
import { type Env, envBesideFile, readEnv } from './env.js';
import { configSchema } from './schema.js';
import type { BeaconConfig, MutableResolvedConfig, ResolvedConfig, UnresolvedConfig, ValueSource } from './types.js';

export interface Resolution {
  config: ResolvedConfig;
  /** Dotted leaf path → where its value came from (for the debug dump). */
  sources: ReadonlyMap<string, ValueSource>;
  /** One line per ignored env value, and one about deprecated keys in the config object. */
  warnings: readonly string[];
  /** The declarative config file in force (OTEL_CONFIG_FILE), or null. */
  otelConfigFile: string | null;
}

/** What the app's nearest package.json says (read by sdk/app-context.ts: resolveConfig reads no files). */
export interface AppPackage {
  name?: string;
  version?: string;
}

/** A declarative config file's settings, as ./declarative-file.ts reads them. */
export interface DeclarativeLayer {
  /** Absolute path of the file. */
  file: string;
  /** The file's settings, checked, in the resolved config's shape. */
  values: Record<string, unknown>;
  /** `disabled: true`: goes on top of the config object, like OTEL_SDK_DISABLED without a file. */
  overrides: Record<string, unknown>;
  /** Dotted config path → the YAML path it was read from. */
  origins: ReadonlyMap<string, string>;
  /** The variables the file substitutes (`${NAME}`): read through the file, not ignored. */
  substituted: ReadonlySet<string>;
  /** OTEL_* variables the file's components read (the service detector's OTEL_SERVICE_NAME): applied below the file. */
  envRead: ReadonlySet<string>;
}

/** Throws BeaconConfigError for a bad config object; never throws for bad env values. */
export function resolveConfig(options: BeaconConfig = {}, env: Env = {}, appPackage: AppPackage = {}, file?: DeclarativeLayer): Resolution {
  const fromCode = configSchema(options, '');
  const deprecation = moveDeprecatedKeys(fromCode);
  const besideFile = file ? envBesideFile(env, file.substituted, file.envRead) : { env, warnings: [] };
  const fromEnv = readEnv(besideFile.env);
  const sources = new Map<string, ValueSource>();
  const setFromEnv = (path: string) => sources.set(path, `env:${fromEnv.sources.get(path) ?? envSourceOf(path, fromEnv.sources)}`);
  const setFromFile = (path: string) => sources.set(path, `OTEL_CONFIG_FILE:${originOf(path, file!.origins)}`);

  // shape.ts checks that the checked config fits the defaults' shape, field by field.
  const merged = defaultConfig();
  mergeInto(merged, fromEnv.values, '', setFromEnv);
  if (file) mergeInto(merged, file.values, '', setFromFile);
  mergeInto(merged, fromCode, '', (path) => sources.set(path, 'config'));
  mergeInto(merged, fromEnv.overrides, '', setFromEnv);
  if (file) mergeInto(merged, file.overrides, '', setFromFile);
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
  checkSloThresholds(config);

  for (const path of leafPaths(merged, '')) if (!sources.has(path)) sources.set(path, 'default');
  const warnings = [...besideFile.warnings, ...fromEnv.warnings, ...(deprecation ? [deprecation] : [])];
  return { config: deepFreeze(config), sources, warnings, otelConfigFile: file?.file ?? null };
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

/** The YAML path a config path (or the nearest parent set as a whole) came from. */
export function originOf(configPath: string, origins: ReadonlyMap<string, string>): string | undefined {
  for (let path = configPath; path !== ''; path = path.replace(/\.?[^.]*$/, '')) {
    const origin = origins.get(path);
    if (origin !== undefined) return origin;
  }
  return undefined;
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
