/**
 * The environment variables Beacon honours, and how each maps onto a config field.
 * This is the only module that knows env var names. Values are checked with the same
 * checks as the config object; a bad value yields a warning naming the variable and is
 * ignored (the documented default stays), because a deploy-time typo must never take
 * a service down. A variable that sets several fields is applied where its value is good:
 * OTEL_NODE_ENABLED_INSTRUMENTATIONS=express,htttp enables express alone, and says so.
 */
import { configSchema } from './schema.js';
import type { Check } from './checks.js';
import { RESOURCE_DETECTORS } from './enums.js';
import { UNSUPPORTED_ENV_VARS } from './env-unsupported.js';
import { list, parseBoolean, parseKeyValueList, parseNumber } from './env-values.js';
import { INSTRUMENTATION_NAMES } from './instrumentation-catalog.js';
import type { FieldPath } from './shape.js';

export const ENV_VARS = [
  // Read by ./declarative-file.ts: the file then takes the place of the other OTEL_* variables.
  'OTEL_CONFIG_FILE',
  'OTEL_SDK_DISABLED',
  'NODE_ENV',
  'OTEL_RESOURCE_ATTRIBUTES',
  'OTEL_SERVICE_NAME',
  'OTEL_NODE_RESOURCE_DETECTORS',
  'OTEL_LOG_LEVEL',
  'BEACON_LOG_LEVEL',
  'BEACON_LOG_FORMAT',
  'OTEL_TRACES_SAMPLER',
  'OTEL_TRACES_SAMPLER_ARG',
  'OTEL_TRACES_EXPORTER',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
  'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT',
  'OTEL_EXPORTER_OTLP_HEADERS',
  'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
  'OTEL_EXPORTER_OTLP_METRICS_HEADERS',
  'OTEL_EXPORTER_OTLP_LOGS_HEADERS',
  'OTEL_EXPORTER_OTLP_PROTOCOL',
  'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
  'OTEL_EXPORTER_OTLP_METRICS_PROTOCOL',
  'OTEL_EXPORTER_OTLP_LOGS_PROTOCOL',
  'OTEL_EXPORTER_OTLP_TIMEOUT',
  'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT',
  'OTEL_EXPORTER_OTLP_METRICS_TIMEOUT',
  'OTEL_EXPORTER_OTLP_LOGS_TIMEOUT',
  'OTEL_LOGS_EXPORTER',
  'OTEL_BSP_MAX_QUEUE_SIZE',
  'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
  'OTEL_BSP_SCHEDULE_DELAY',
  'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT',
  'OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT',
  'OTEL_ATTRIBUTE_COUNT_LIMIT',
  'OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT',
  'OTEL_SPAN_EVENT_COUNT_LIMIT',
  'OTEL_SPAN_LINK_COUNT_LIMIT',
  'OTEL_PROPAGATORS',
  'OTEL_METRICS_EXPORTER',
  'OTEL_METRIC_EXPORT_INTERVAL',
  'OTEL_EXPORTER_PROMETHEUS_HOST',
  'OTEL_EXPORTER_PROMETHEUS_PORT',
  'OTEL_NODE_ENABLED_INSTRUMENTATIONS',
  'OTEL_NODE_DISABLED_INSTRUMENTATIONS',
  'BEACON_SECRET_KEYS',
] as const;

export type EnvVarName = (typeof ENV_VARS)[number];
export type Env = Readonly<Partial<Record<string, string | undefined>>>;

/** A value an env var proposes for a config field, before it is checked. */
type Assignment = [path: FieldPath, value: unknown];
type EnvRule = (raw: string, env: Env) => Assignment[];

const SIGNALS = ['TRACES', 'METRICS', 'LOGS'] as const;
type Signal = (typeof SIGNALS)[number];
const SIGNAL_PATHS = { TRACES: 'tracing.otlp', METRICS: 'metrics.otlp', LOGS: 'logging.otlp' } as const satisfies Record<Signal, FieldPath>;
const SIGNAL_URL_PATHS = { TRACES: '/v1/traces', METRICS: '/v1/metrics', LOGS: '/v1/logs' } as const satisfies Record<Signal, string>;

function samplerFromEnv(name: string, arg: string | undefined): unknown {
  const normalized = name.trim().toLowerCase();
  const ratioBased = normalized === 'traceidratio' || normalized === 'parentbased_traceidratio';
  if (!ratioBased || arg === undefined || arg.trim() === '') return normalized;
  return { ratio: parseNumber(arg), parentBased: normalized.startsWith('parentbased_') };
}

function otlpBase(raw: string, signal: Signal): unknown {
  const base = raw.trim().replace(/\/+$/, '');
  return base === '' ? raw : `${base}${SIGNAL_URL_PATHS[signal]}`;
}

function instrumentationSwitches(raw: string, enabled: boolean): Assignment[] {
  return list(raw).map((name) => [
    `instrumentations.${name.replace(/^@opentelemetry\/instrumentation-/, '')}`,
    enabled,
  ]);
}

/**
 * The operator's kill switch (OTel spec), the one variable that beats the config object:
 * `true` turns Beacon off even under `enabled: true` in code, so a service can always be
 * silenced without a deploy; `false` leaves `enabled` to the code.
 */
const KILL_SWITCH = 'OTEL_SDK_DISABLED' satisfies EnvVarName;

/** Ordered generic → specific: a later assignment to the same field wins. */
const RULES: [EnvVarName, EnvRule][] = [
  [KILL_SWITCH, (raw) => {
    const disabled = parseBoolean(raw);
    return disabled === true ? [['enabled', false]] : disabled === false ? [] : [['enabled', raw]];
  }],
  ['NODE_ENV', (raw) => [['service.environment', raw.trim()]]],
  ['OTEL_RESOURCE_ATTRIBUTES', (raw) => {
    const attributes = parseKeyValueList(raw);
    if (typeof attributes === 'string') return [['service.attributes', raw]];
    const { 'service.name': name, 'service.version': version, 'deployment.environment.name': environment,
      'deployment.environment': legacyEnvironment, ...rest } = attributes;
    const assignments: Assignment[] = [['service.attributes', rest]];
    if (name !== undefined) assignments.push(['service.name', name]);
    if (version !== undefined) assignments.push(['service.version', version]);
    const env = environment ?? legacyEnvironment;
    if (env !== undefined) assignments.push(['service.environment', env]);
    return assignments;
  }],
  ['OTEL_SERVICE_NAME', (raw) => [['service.name', raw.trim()]]],
  ['OTEL_NODE_RESOURCE_DETECTORS', (raw) => {
    // 'env' and 'serviceinstance' are OTel names for what the resolver and resource always do.
    const names = list(raw).filter((name) => name !== 'env' && name !== 'serviceinstance');
    if (names.includes('none')) return [['service.detectors', []]];
    if (names.includes('all')) return [['service.detectors', [...RESOURCE_DETECTORS]]];
    return [['service.detectors', names]];
  }],
  ['OTEL_LOG_LEVEL', (raw) => [['diagnostics.level', raw.trim()]]],
  ['BEACON_LOG_LEVEL', (raw) => [['logging.level', raw.trim()]]],
  ['BEACON_LOG_FORMAT', (raw) => [['logging.format', raw.trim().toLowerCase()]]],
  ['OTEL_TRACES_SAMPLER', (raw, env) => [['tracing.sampler', samplerFromEnv(raw, env.OTEL_TRACES_SAMPLER_ARG)]]],
  ['OTEL_TRACES_EXPORTER', (raw) => {
    const names = list(raw.toLowerCase());
    return [['tracing.exporter', names.length === 1 ? names[0] : raw]];
  }],
  ['OTEL_EXPORTER_OTLP_ENDPOINT', (raw) => SIGNALS.map((signal): Assignment => [`${SIGNAL_PATHS[signal]}.endpoint`, otlpBase(raw, signal)])],
  ['OTEL_EXPORTER_OTLP_HEADERS', (raw) => SIGNALS.map((signal): Assignment => [`${SIGNAL_PATHS[signal]}.headers`, parseKeyValueList(raw)])],
  ['OTEL_EXPORTER_OTLP_PROTOCOL', (raw) => SIGNALS.map((signal): Assignment => [`${SIGNAL_PATHS[signal]}.protocol`, raw.trim()])],
  ['OTEL_EXPORTER_OTLP_TIMEOUT', (raw) => SIGNALS.map((signal): Assignment => [`${SIGNAL_PATHS[signal]}.timeoutMs`, parseNumber(raw)])],
  ...SIGNALS.flatMap((signal): [EnvVarName, EnvRule][] => [
    [`OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`, (raw) => [[`${SIGNAL_PATHS[signal]}.endpoint`, raw.trim()]]],
    [`OTEL_EXPORTER_OTLP_${signal}_HEADERS`, (raw) => [[`${SIGNAL_PATHS[signal]}.headers`, parseKeyValueList(raw)]]],
    [`OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`, (raw) => [[`${SIGNAL_PATHS[signal]}.protocol`, raw.trim()]]],
    [`OTEL_EXPORTER_OTLP_${signal}_TIMEOUT`, (raw) => [[`${SIGNAL_PATHS[signal]}.timeoutMs`, parseNumber(raw)]]],
  ]),
  ['OTEL_LOGS_EXPORTER', (raw) => {
    // OTel's log exporters are Beacon's 'otlp' output; the console output (the app's own lines) stays.
    const names = list(raw.toLowerCase());
    if (!names.every((name) => name === 'otlp' || name === 'console' || name === 'none')) return [['logging.outputs', raw]];
    return [['logging.outputs', names.includes('otlp') ? ['console', 'otlp'] : ['console']]];
  }],
  ['OTEL_BSP_MAX_QUEUE_SIZE', (raw) => [['tracing.batch.maxQueueSize', parseNumber(raw)]]],
  ['OTEL_BSP_MAX_EXPORT_BATCH_SIZE', (raw) => [['tracing.batch.maxExportBatchSize', parseNumber(raw)]]],
  ['OTEL_BSP_SCHEDULE_DELAY', (raw) => [['tracing.batch.scheduledDelayMs', parseNumber(raw)]]],
  // The general OTEL_ATTRIBUTE_* limits first: the span-specific ones win (OTel spec).
  ['OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT', (raw) => [['tracing.limits.attributeValueLength', parseNumber(raw)]]],
  ['OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT', (raw) => [['tracing.limits.attributeValueLength', parseNumber(raw)]]],
  ['OTEL_ATTRIBUTE_COUNT_LIMIT', (raw) => [['tracing.limits.attributeCount', parseNumber(raw)]]],
  ['OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT', (raw) => [['tracing.limits.attributeCount', parseNumber(raw)]]],
  ['OTEL_SPAN_EVENT_COUNT_LIMIT', (raw) => [['tracing.limits.eventCount', parseNumber(raw)]]],
  ['OTEL_SPAN_LINK_COUNT_LIMIT', (raw) => [['tracing.limits.linkCount', parseNumber(raw)]]],
  ['OTEL_PROPAGATORS', (raw) => [['tracing.propagators', list(raw.toLowerCase())]]],
  ['OTEL_METRICS_EXPORTER', (raw) => {
    const names = list(raw.toLowerCase());
    return names.includes('none') ? [['metrics.enabled', false]] : [['metrics.exporters', names]];
  }],
  ['OTEL_METRIC_EXPORT_INTERVAL', (raw) => {
    const ms = parseNumber(raw);
    return [['metrics.interval', typeof ms === 'number' ? ms / 1000 : raw]];
  }],
  ['OTEL_EXPORTER_PROMETHEUS_HOST', (raw) => [['metrics.prometheus.host', raw.trim()]]],
  ['OTEL_EXPORTER_PROMETHEUS_PORT', (raw) => [['metrics.prometheus.port', parseNumber(raw)]]],
  ['OTEL_NODE_ENABLED_INSTRUMENTATIONS', (raw) => [
    // An explicit enable list turns every other instrumentation off (OTel's semantics).
    ...INSTRUMENTATION_NAMES.map((name): Assignment => [`instrumentations.${name}`, false]),
    ...instrumentationSwitches(raw, true),
  ]],
  ['OTEL_NODE_DISABLED_INSTRUMENTATIONS', (raw) => instrumentationSwitches(raw, false)],
  ['BEACON_SECRET_KEYS', (raw) => [['privacy.secretKeys', list(raw)]]],
];

/** The check that validates one field of the config schema. */
function checkFor(path: FieldPath): Check<unknown> {
  if (path.startsWith('instrumentations.')) {
    const name = path.slice('instrumentations.'.length);
    return (value, fieldPath) => configSchema.shape.instrumentations({ [name]: value }, fieldPath.replace(/\.[^.]+$/, ''))[name];
  }
  // Every FieldPath is in the schema: ./shape.ts holds the schema's keys to the resolved config's.
  let check: Check<unknown> & { shape?: Record<string, Check<unknown>> } = configSchema;
  for (const segment of path.split('.')) check = check.shape![segment]!;
  return check;
}

export interface EnvLayer {
  /** A partial config in the checked (normalised) shape, below the config object. */
  values: Record<string, unknown>;
  /** The same, above the config object: only the kill switch. */
  overrides: Record<string, unknown>;
  /** Dotted field path → the variable that set it. */
  sources: Map<string, EnvVarName>;
  warnings: string[];
}

export function readEnv(env: Env): EnvLayer {
  const layer: EnvLayer = { values: {}, overrides: {}, sources: new Map(), warnings: [] };
  for (const [name, rule] of RULES) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    let firstProblem: string | undefined;
    let applied = 0;
    for (const [path, proposed] of rule(raw, env)) {
      try {
        setPath(name === KILL_SWITCH ? layer.overrides : layer.values, path, checkFor(path)(proposed, path));
        layer.sources.set(path, name);
        applied++;
      } catch (error) {
        firstProblem ??= (error as Error).message;
      }
    }
    // One warning per variable, even when it feeds several fields (one per signal).
    if (firstProblem) {
      layer.warnings.push(applied === 0
        ? `${name}=${JSON.stringify(raw)} ignored (${firstProblem}); using the configured or default value`
        : `${name}=${JSON.stringify(raw)} applied in part: ${firstProblem}; the rest of it is in force`);
    }
  }
  for (const [name, why] of Object.entries(UNSUPPORTED_ENV_VARS)) {
    if (env[name]?.trim()) layer.warnings.push(`${name} is not supported and was ignored: ${why}`);
  }
  return layer;
}

/**
 * With OTEL_CONFIG_FILE in force, the file takes the place of the OTEL_* variables (as the
 * declarative configuration specifies): those left are Beacon's own, NODE_ENV and the ones
 * the file's components read (`envRead`). The OTEL_* variables that are set and that the file
 * neither substitutes nor reads are named in one warning.
 */
export function envBesideFile(env: Env, substituted: ReadonlySet<string>, envRead: ReadonlySet<string>): { env: Env; warnings: string[] } {
  const known = new Set<string>([...ENV_VARS, ...Object.keys(UNSUPPORTED_ENV_VARS)]);
  const kept = Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('OTEL_') || envRead.has(name)));
  const ignored = [...known].filter((name) => name.startsWith('OTEL_') && name !== 'OTEL_CONFIG_FILE' && env[name]?.trim() && !substituted.has(name) && !envRead.has(name));
  const warnings = ignored.length === 0 ? [] : [`${ignored.join(', ')} ignored: OTEL_CONFIG_FILE is in force (substitute a variable into the file with \${NAME} to use it)`];
  return { env: kept, warnings };
}

/** Dotted path → segments; instrumentation names may contain dots themselves (socket.io). */
export function splitPath(path: string): string[] {
  return path.startsWith('instrumentations.') ? ['instrumentations', path.slice('instrumentations.'.length)] : path.split('.');
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const segments = splitPath(path);
  let node = target;
  for (const segment of segments.slice(0, -1)) {
    node = (node[segment] ??= {}) as Record<string, unknown>;
  }
  node[segments.at(-1)!] = value;
}
