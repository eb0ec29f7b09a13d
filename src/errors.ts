/**
 * Every error Beacon throws into user code, with a stable code. Only programmer errors
 * (a bad config object, a missing config file) are thrown; operator errors (bad env
 * values) and runtime failures (exports, timers) are reported through diagnostics instead.
 * The codes are listed in docs/errors.md; a test keeps the two in step.
 */
export const ErrorCodes = {
  /** A config field has a value of the wrong type or outside its allowed set. */
  INVALID_VALUE: 'BEACON_CONFIG_INVALID_VALUE',
  /** A config object has a key Beacon does not know. */
  UNKNOWN_KEY: 'BEACON_CONFIG_UNKNOWN_KEY',
  /** BEACON_CONFIG names a file that does not exist, or a config file failed to load. */
  CONFIG_FILE: 'BEACON_CONFIG_FILE',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export class BeaconConfigError extends Error {
  override readonly name = 'BeaconConfigError';
  readonly code: ErrorCode;
  /** Dotted path of the offending field, e.g. `tracing.sampler`; empty for file errors. */
  readonly field: string;

  constructor(code: ErrorCode, field: string, message: string, options?: ErrorOptions) {
    super(field ? `${field}: ${message}` : message, options);
    this.code = code;
    this.field = field;
  }
}
