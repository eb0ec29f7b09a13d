/**
 * logging.format → pino options. Every format writes one JSON object per line:
 * - 'structured': pino's JSON, `time` as ISO 8601, `level` as a label, `msg`;
 * - 'ecs': Elastic Common Schema (`@timestamp`, `log.level`, `message`, `trace.id`, …),
 *   with the trace fields filled from OpenTelemetry rather than Elastic's APM agent;
 * - 'pretty': 'structured' lines, rendered for humans by pino-pretty on the console.
 * The ECS options live in ecs-format.ts, loaded only when that format is chosen.
 */
import { hostname } from 'node:os';
import pino, { type Bindings, type DestinationStream, type LogFn, type Logger, type LoggerOptions } from 'pino';
import type { ResolvedConfig } from '../config/types.js';
import { secretMatcher } from '../secrets.js';
import { correlationFields } from './correlation.js';
import { isoTime } from './iso-time.js';
import { reservedFields } from './reserved.js';
import { CENSOR, type Sanitizer, sanitizer } from './sanitize.js';

type Logging = ResolvedConfig['logging'];
export type LoggingConfig = Pick<ResolvedConfig, 'logging' | 'service' | 'privacy'>;

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

/** A root pino logger and how the bindings of its children are checked (pino formats only the root's). */
export interface Root {
  readonly logger: Logger;
  readonly bindings: (bindings: Bindings) => Bindings;
}

type StdRequest = Parameters<typeof pino.stdSerializers.req>[0];
type StdResponse = Parameters<typeof pino.stdSerializers.res>[0];
const isLive = (value: unknown): boolean => typeof (value as { on?: unknown } | null)?.on === 'function';

/**
 * Serializers run after the line formatter: a live request/response is reduced to pino's
 * usual fields and an error to type/message/stack, and the result is checked here (plain
 * objects were checked by the formatter). The message is checked by its own serializer,
 * which pino runs on the final, interpolated message.
 */
function objectSerializers(sanitize: Sanitizer) {
  const error = (value: Error) => {
    const serialized: unknown = pino.stdSerializers.err(value);
    return sanitize.value(serialized === value ? value : plainError(serialized as object, Object.getPrototypeOf(serialized) as object));
  };
  return {
    err: error,
    error,
    req: (value: StdRequest) => (isLive(value) ? sanitize.value({ ...pino.stdSerializers.req(value) }) : value),
    res: (value: StdResponse) => (isLive(value) ? sanitize.value({ ...pino.stdSerializers.res(value) }) : value),
  };
}

/**
 * pino's serialised error, and the errors it holds (`aggregateErrors`, error-valued fields),
 * have a prototype of their own, which the walk leaves alone: plain copies are walked.
 */
function plainError(serialized: object, errorPrototype: object): Record<string, unknown> {
  const isError = (value: unknown): value is object =>
    value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === errorPrototype;
  const plain: Record<string, unknown> = { ...serialized };
  for (const key of Object.keys(plain)) {
    const value = plain[key];
    if (isError(value)) plain[key] = plainError(value, errorPrototype);
    else if (Array.isArray(value) && value.some(isError)) plain[key] = value.map((item: unknown) => (isError(item) ? plainError(item, errorPrototype) : item));
  }
  return plain;
}

function messageSerializer(sanitize: Sanitizer) {
  return (value: unknown) => (typeof value === 'string' ? sanitize.text(value) : value);
}

/**
 * The log-call hook. A log call never throws into the app: pino reads every property of the
 * object logged, so a throwing getter would; the call is retried with the message and the
 * reason only. And an object's message key is the message only when no message is given:
 * given both, pino would write the key twice, so the object's is moved aside.
 */
function logMethod(messageKey: string, moveMessageAside: (object: Record<string, unknown>) => Record<string, unknown>) {
  return function (this: Logger, args: Parameters<LogFn>, method: LogFn): void {
    const [first, message] = args as unknown[];
    if (message !== undefined && typeof first === 'object' && first !== null && Object.hasOwn(first, messageKey)) {
      (args as unknown[])[0] = moveMessageAside(first as Record<string, unknown>);
    }
    try {
      method.apply(this, args);
    } catch (error) {
      const text = args.find((arg): arg is string => typeof arg === 'string') ?? '';
      method.call(this, { log_error: `the logged object could not be serialised: ${String((error as Error)?.message ?? error)}` }, text);
    }
  };
}

/** What every format shares; a format adds its own fields, time, formatters and serializers. */
export interface FormatParts {
  readonly service: LoggingConfig['service'];
  /** The level, the user's redaction, the log-call hook. */
  readonly common: LoggerOptions;
  /** The line formatter: a line's fields checked. */
  readonly line: (object: Record<string, unknown>) => Record<string, unknown>;
  /** pino's `timestamp`: the time, then the active span's ids (correlation.ts), as one JSON fragment. */
  readonly timestamp: () => string;
  /** The serializer of the message, under the format's message key. */
  readonly message: NonNullable<LoggerOptions['serializers']>;
  readonly sanitize: Sanitizer;
}

/** A format's pino options (`structuredFormat` here; the ECS one in ecs-format.ts). */
export type Format = (parts: FormatParts) => LoggerOptions;

/** 'structured', and 'pretty' (the same lines, rendered in the console's worker). */
export const structuredFormat: Format = ({ service, common, line, timestamp, message, sanitize }) => ({
  ...common,
  base: {
    service: service.name,
    ...(service.version === null ? {} : { version: service.version }),
    environment: service.environment,
    hostname: hostname(),
    pid: process.pid,
  },
  timestamp,
  formatters: { level: (label) => ({ level: label }), log: line },
  serializers: { ...objectSerializers(sanitize), ...message },
});

/** The root logger for `config`, writing to `destination` at `level`; `format` is config.logging.format's, loaded. */
export function createRoot(config: LoggingConfig, level: string, destination: DestinationStream, format: Format): Root {
  const { logging, service } = config;
  const keys = lineKeys(logging.format);
  const sanitize = sanitizer({ secrets: secretMatcher(config.privacy.secretKeys), maxStringLength: logging.maxStringLength });
  const reserved = reservedFields(logging, keys.message);
  const line = (object: Record<string, unknown>): Record<string, unknown> => sanitize.top(object, reserved.line);
  const time = isoTime(keys.time);
  const correlation = logging.correlation ? correlationFields(logging.format, logging.fields) : null;
  const timestamp = correlation === null ? time : () => time() + correlation();
  const common: LoggerOptions = {
    level,
    // Beacon's rules are applied by the formatter; pino's (slower) redact only for the user's paths.
    ...(logging.redact.length ? { redact: { paths: [...logging.redact], censor: CENSOR } } : {}),
    hooks: { logMethod: logMethod(keys.message, (object) => sanitize.top(object, (key) => (key === keys.message ? true : undefined))) },
  };
  const bindings = (object: Bindings): Bindings => sanitize.top(object, reserved.bindings);
  const message = { [keys.message]: messageSerializer(sanitize) };
  return { logger: pino(format({ service, common, line, timestamp, message, sanitize }), destination), bindings };
}
