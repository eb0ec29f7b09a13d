/**
 * logging.format → pino options. Every format writes one JSON object per line:
 * - 'structured': pino's JSON, `time` as ISO 8601, `level` as a label, `msg`;
 * - 'ecs': Elastic Common Schema (`@timestamp`, `log.level`, `message`, `trace.id`, …),
 *   with the trace fields filled from OpenTelemetry rather than Elastic's APM agent;
 * - 'pretty': 'structured' lines, rendered for humans by pino-pretty on the console.
 */
import { hostname } from 'node:os';
import { ecsFormat } from '@elastic/ecs-pino-format';
import pino, { type LogFn, type Logger, type LoggerOptions } from 'pino';
import type { ResolvedConfig } from '../config/types.js';
import { correlationMixin } from './correlation.js';
import { CENSOR, censorSecrets } from './redaction.js';

type Logging = ResolvedConfig['logging'];
type Service = ResolvedConfig['service'];

/** The JSON keys that hold the message and the time, per format (read back by the OTLP output). */
export interface LineKeys {
  readonly message: string;
  readonly time: string;
  readonly level: string;
}

const STRUCTURED_KEYS: LineKeys = { message: 'msg', time: 'time', level: 'level' };
const ECS_KEYS: LineKeys = { message: 'message', time: '@timestamp', level: 'log.level' };

export function lineKeys(format: Logging['format']): LineKeys {
  return format === 'ecs' ? ECS_KEYS : STRUCTURED_KEYS;
}

/**
 * Serializers run after the formatters: a live request/response is reduced to pino's
 * usual fields and censored there; plain objects were already censored by the formatter.
 */
type StdRequest = Parameters<typeof pino.stdSerializers.req>[0];
type StdResponse = Parameters<typeof pino.stdSerializers.res>[0];
const isLive = (value: unknown): boolean => typeof (value as { on?: unknown } | null)?.on === 'function';
const SERIALIZERS = {
  err: pino.stdSerializers.err,
  error: pino.stdSerializers.err,
  req: (value: StdRequest) => (isLive(value) ? censorSecrets({ ...pino.stdSerializers.req(value) }) : value),
  res: (value: StdResponse) => (isLive(value) ? censorSecrets({ ...pino.stdSerializers.res(value) }) : value),
};

/**
 * A log call never throws into the app: pino reads every property of the object logged,
 * so a throwing getter would. The call is retried with the message and the reason only.
 */
function neverThrow(this: Logger, args: Parameters<LogFn>, method: LogFn): void {
  try {
    method.apply(this, args);
  } catch (error) {
    const message = args.find((arg): arg is string => typeof arg === 'string') ?? '';
    method.call(this, { log_error: `the logged object could not be serialised: ${String((error as Error)?.message ?? error)}` }, message);
  }
}

export function pinoOptions(logging: Logging, service: Service, level: string): LoggerOptions {
  const common: LoggerOptions = {
    level,
    // Beacon's defaults are applied by censorSecrets in the formatters; pino's (slower) redact only for the user's paths.
    ...(logging.redact.length ? { redact: { paths: [...logging.redact], censor: CENSOR } } : {}),
    ...(logging.correlation ? { mixin: correlationMixin(logging.format, logging.fields) } : {}),
    hooks: { logMethod: neverThrow },
  };
  if (logging.format === 'ecs') {
    const ecs = ecsFormat({
      apmIntegration: false,
      convertReqRes: true,
      serviceName: service.name,
      ...(service.version === null ? {} : { serviceVersion: service.version }),
      serviceEnvironment: service.environment,
    });
    const { log, bindings } = ecs.formatters as Required<NonNullable<LoggerOptions['formatters']>>;
    return {
      ...ecs,
      ...common,
      // After ECS's own conversion, so that `http.request.headers.authorization` is covered too.
      // ECS turns err/req/res into error.*/http.* itself, before serializers would run.
      formatters: { ...ecs.formatters, log: (object) => censorSecrets(log(object)), bindings: (object) => censorSecrets(bindings(object)) },
      base: { pid: process.pid, hostname: hostname() },
    };
  }
  return {
    ...common,
    base: {
      service: service.name,
      ...(service.version === null ? {} : { version: service.version }),
      environment: service.environment,
      hostname: hostname(),
      pid: process.pid,
    },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }), log: censorSecrets, bindings: censorSecrets },
    serializers: SERIALIZERS,
  };
}
