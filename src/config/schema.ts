/**
 * The run-time shape of the monitoring config: one check per field, the same checks for
 * the config object and for env values. Normalises the shorthand forms (sampler numbers
 * and names, output names) into the resolved shape.
 */
import { INSTRUMENTATION_NAMES } from './instrumentation-catalog.js';
import { CIDR_EXPECTED, checkedCidr } from '../http/cidr.js';
import type { CheckedLogOutput, PrometheusAuth, SamplerName, SamplerOptions, SamplingRule } from './types.js';
import {
  DIAG_LEVEL_NAMES,
  LOG_FORMATS,
  LOG_LEVELS,
  LOG_OUTPUT_NAMES,
  LOG_ROTATIONS,
  METRICS_COLLECTORS,
  METRICS_EXPORTERS,
  OTLP_PROTOCOLS,
  PROPAGATORS,
  RESOURCE_DETECTORS,
  SAMPLER_NAMES,
  TRACE_EXPORTERS,
} from './enums.js';
import {
  type Check,
  arrayOf,
  bool,
  fail,
  httpUrl,
  isOneOf,
  isPlainObject,
  nullable,
  num,
  obj,
  oneOf,
  recordOf,
  str,
  unknownKey,
} from './checks.js';
import { alertingSchema } from './alerting-schema.js';

const ratio = num({ min: 0, max: 1, what: 'a number between 0 and 1' });
const positiveMs = num({ min: 1, integer: true, what: 'a positive integer (milliseconds)' });
const port = num({ min: 0, max: 65535, integer: true, what: 'a port number 0..65535' });
const count = num({ min: 0, integer: true, what: 'an integer >= 0' });
const urlPath = str({ pattern: /^\/\S*$/, what: "a path starting with '/'" });

export const cidr: Check<string> = (value, path) => {
  if (typeof value !== 'string') return fail(path, CIDR_EXPECTED, value);
  checkedCidr(value, path);
  return value;
};

const attributeValue = (value: unknown, path: string) =>
  typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))
    ? value
    : fail(path, 'a string, number or boolean', value);

const headerValue = str({ what: 'a string header value' });

const samplingRule: Check<SamplingRule> = (value, path) => {
  const rule = obj({
    path: str({ pattern: /^\//, what: "a path glob starting with '/'" }),
    method: str({ pattern: /^[A-Za-z]+$/, what: 'an HTTP method name' }),
    attributes: recordOf(attributeValue),
    ratio,
  })(value, path);
  if (rule.ratio === undefined) fail(`${path}.ratio`, 'a number between 0 and 1', undefined);
  return { ...rule, ratio: rule.ratio, ...(rule.method ? { method: rule.method.toUpperCase() } : {}) };
};

/** What each OTel sampler name means; a ratio left out comes from the env or the default. */
const SAMPLER_SHORTHANDS: Record<SamplerName, SamplerOptions> = {
  always_on: { ratio: 1, parentBased: false },
  always_off: { ratio: 0, parentBased: false },
  traceidratio: { parentBased: false },
  parentbased_always_on: { ratio: 1, parentBased: true },
  parentbased_always_off: { ratio: 0, parentBased: true },
  parentbased_traceidratio: { parentBased: true },
};

/** Sampler shorthand → `{ ratio?, parentBased?, rules?, maxPerSecond? }`. */
export const sampler: Check<SamplerOptions> = (value, path) => {
  if (typeof value === 'number' && value >= 0 && value <= 1) return { ratio: value, parentBased: true };
  if (isOneOf(SAMPLER_NAMES, value)) return { ...SAMPLER_SHORTHANDS[value] };
  if (isPlainObject(value)) {
    return obj({
      ratio,
      parentBased: bool,
      rules: arrayOf(samplingRule),
      maxPerSecond: nullable(num({ min: 0, what: 'a number of traces per second >= 0' })),
    })(value, path);
  }
  return fail(
    path,
    `a number between 0 and 1, one of ${SAMPLER_NAMES.map((n) => `'${n}'`).join(' | ')}, or { ratio, parentBased, rules, maxPerSecond }`,
    value,
  );
};

const logOutputName = oneOf(LOG_OUTPUT_NAMES);
const logLevel = oneOf(LOG_LEVELS, { anyCase: true });

/** Output names or `{ type, level }` objects; the level is filled in by the resolver. */
const logOutput: Check<CheckedLogOutput> = (value, path) => {
  if (typeof value === 'string') return { type: logOutputName(value, path) };
  const output = obj({ type: logOutputName, level: logLevel })(value, path);
  // Checked again so that a missing type fails with the names allowed.
  return { type: logOutputName(output.type, `${path}.type`), ...(output.level ? { level: output.level } : {}) };
};

export const otlpTarget = obj({
  endpoint: httpUrl,
  headers: recordOf(headerValue),
  protocol: oneOf(OTLP_PROTOCOLS),
  timeoutMs: positiveMs,
});

const instrumentationOptions: Check<Record<string, boolean | Record<string, unknown>>> = (value, path) => {
  if (!isPlainObject(value)) return fail(path, 'an object of instrumentation names', value);
  const result: Record<string, boolean | Record<string, unknown>> = {};
  for (const [name, setting] of Object.entries(value)) {
    if (!INSTRUMENTATION_NAMES.includes(name)) throw unknownKey(`${path}.${name}`, name, INSTRUMENTATION_NAMES);
    if (typeof setting === 'boolean' || isPlainObject(setting)) result[name] = setting;
    else fail(`${path}.${name}`, 'true, false or an options object', setting);
  }
  return result;
};

const auth: Check<PrometheusAuth | null> = (value, path) => {
  if (value === null) return null;
  if (isPlainObject(value) && 'bearerToken' in value) {
    const { bearerToken } = obj({ bearerToken: str({ nonEmpty: true }) })(value, path);
    return { bearerToken: bearerToken! };
  }
  const basic = obj({ username: str({ nonEmpty: true }), password: str({ nonEmpty: true }) })(value, path);
  if (!basic.username || !basic.password) {
    return fail(path, '{ bearerToken } or { username, password }', value);
  }
  return { username: basic.username, password: basic.password };
};

/** Who may read the metrics: `metrics.prometheus` in the config, and `metricsHandler({ access })`. */
export const accessOptions = obj({ allowedIps: arrayOf(cidr), trustProxy: arrayOf(cidr), auth });

const buckets = arrayOf(num({ min: 0, what: 'a bucket boundary >= 0' }));

export const configSchema = obj({
  enabled: bool,
  service: obj({
    name: str({ nonEmpty: true }),
    version: str({ nonEmpty: true }),
    environment: str({ nonEmpty: true }),
    attributes: recordOf(attributeValue),
    detectors: arrayOf(oneOf(RESOURCE_DETECTORS), { unique: true }),
  }),
  logging: obj({
    level: logLevel,
    format: oneOf(LOG_FORMATS),
    outputs: arrayOf(logOutput),
    correlation: bool,
    fields: obj({
      traceId: str({ nonEmpty: true }),
      spanId: str({ nonEmpty: true }),
      traceFlags: str({ nonEmpty: true }),
    }),
    file: obj({
      path: str({ nonEmpty: true }),
      size: nullable(str({ pattern: /^\d+[kmg]?$/i, what: "a size like '10m', '500k' or '1g'" })),
      frequency: oneOf(LOG_ROTATIONS),
      keep: num({ min: 1, integer: true }),
    }),
    otlp: otlpTarget,
    redact: arrayOf(str({ nonEmpty: true })),
    requests: bool,
    // Room for the truncation marker (up to 37 characters) and some text.
    maxStringLength: num({ min: 64, integer: true, what: 'an integer >= 64 (characters)' }),
  }),
  metrics: obj({
    enabled: bool,
    collectors: arrayOf(oneOf(METRICS_COLLECTORS), { unique: true }),
    interval: num({ min: 0.1, max: 3600, what: 'a number of seconds between 0.1 and 3600' }),
    exporters: arrayOf(oneOf(METRICS_EXPORTERS), { unique: true }),
    prometheus: obj({
      server: bool,
      port,
      host: str({ nonEmpty: true }),
      path: urlPath,
      jsonPath: nullable(urlPath),
      ...accessOptions.shape,
      minIntervalMs: num({ min: 0, integer: true, what: 'an integer >= 0 (milliseconds; 0: share only a collection in progress)' }),
      maxResponseBytes: num({ min: 1024, integer: true, what: 'an integer >= 1024 (bytes)' }),
    }),
    otlp: otlpTarget,
    buckets,
    views: recordOf(obj({ buckets })),
    cardinalityLimit: num({ min: 1, integer: true }),
  }),
  tracing: obj({
    enabled: bool,
    sampler,
    exporter: oneOf(TRACE_EXPORTERS),
    otlp: otlpTarget,
    batch: obj({
      maxQueueSize: num({ min: 1, integer: true }),
      maxExportBatchSize: num({ min: 1, integer: true }),
      scheduledDelayMs: positiveMs,
    }),
    propagators: arrayOf(oneOf(PROPAGATORS), { unique: true }),
    ignorePaths: arrayOf(urlPath),
    serverTiming: bool,
    limits: obj({
      attributeValueLength: num({ min: 1, integer: true, what: 'a positive integer (characters)' }),
      attributeCount: count,
      eventCount: count,
      linkCount: count,
    }),
    // Deprecated: the target's keys flat on tracing, read for one release (./deprecated.ts).
    ...otlpTarget.shape,
  }),
  instrumentations: instrumentationOptions,
  shutdown: obj({
    handleSignals: bool,
    timeoutMs: positiveMs,
  }),
  diagnostics: obj({
    level: oneOf(DIAG_LEVEL_NAMES, { anyCase: true }),
  }),
  privacy: obj({
    secretKeys: arrayOf(str({ pattern: /[A-Za-z0-9]/, what: 'a field or parameter name' })),
  }),
  ...alertingSchema,
});

/** A config object as the schema returns it: shorthands normalised, every key optional. */
export type CheckedConfig = ReturnType<typeof configSchema>;
