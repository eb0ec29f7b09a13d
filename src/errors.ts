/**
 * Every error Beacon throws into user code, with a stable code. Only programmer errors are
 * thrown, where the mistake is written: a bad config object or config file at start, bad
 * `metricsHandler()` options at the call, a metric name asked for as two kinds, a decorator
 * on the wrong thing. Operator errors (bad env values) and runtime failures (exports,
 * timers, record calls) are reported through diagnostics instead. The codes are listed in
 * docs/errors.md; a test keeps the two in step and checks that src/ throws nothing else.
 */
export const ErrorCodes = {
  /** A config field has a value of the wrong type or outside its allowed set. */
  INVALID_VALUE: 'BEACON_CONFIG_INVALID_VALUE',
  /** A config object has a key Beacon does not know. */
  UNKNOWN_KEY: 'BEACON_CONFIG_UNKNOWN_KEY',
  /** BEACON_CONFIG names a file that does not exist, or a config file failed to load. */
  CONFIG_FILE: 'BEACON_CONFIG_FILE',
  /** The declarative config file (OTEL_CONFIG_FILE) sets something Beacon cannot express. */
  UNSUPPORTED: 'BEACON_CONFIG_UNSUPPORTED',
  /** `metrics.counter('x')` and then `metrics.histogram('x')`: one name, two kinds. */
  METRIC_KIND_CONFLICT: 'BEACON_METRIC_KIND_CONFLICT',
  /** A method decorator on something else than a method, a class decorator elsewhere than on a class, `instrument()` on a non-object. */
  DECORATOR_TARGET: 'BEACON_DECORATOR_TARGET',
  /** `beacon-otel/sdk` imported without its optional peer `@opentelemetry/sdk-node` installed; a gRPC output without its exporter. */
  MISSING_PACKAGE: 'BEACON_MISSING_PACKAGE',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];
/** The codes of errors in a config, or in options checked as config is. */
export type ConfigErrorCode = Extract<ErrorCode, `BEACON_CONFIG_${string}`>;

export class BeaconError extends Error {
  override readonly name: string = 'BeaconError';
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

export class BeaconConfigError extends BeaconError {
  override readonly name = 'BeaconConfigError';
  declare readonly code: ConfigErrorCode;
  /** Dotted path of the offending field, e.g. `tracing.sampler`; empty for file errors. */
  readonly field: string;

  constructor(code: ConfigErrorCode, field: string, message: string, options?: ErrorOptions) {
    super(code, field ? `${field}: ${message}` : message, options);
    this.field = field;
  }
}
