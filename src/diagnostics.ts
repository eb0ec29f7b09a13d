/**
 * Beacon's own voice: OpenTelemetry's diag logger at the configured level, a global error
 * handler that reports each kind of telemetry failure at most once per interval with a
 * count (never into the app), and secret redaction for anything that prints a URL.
 */
import { format } from 'node:util';
import { DiagLogLevel, type DiagLogger, diag } from './otel/api.cjs';
import { setGlobalErrorHandler } from './otel/core.cjs';
import { defaultSecrets } from './secrets.js';

/** The OTEL_LOG_LEVEL names; the schema checks `diagnostics.level` against this list. */
export const DIAG_LEVEL_NAMES = ['none', 'error', 'warn', 'info', 'debug', 'verbose', 'all'] as const;
export type DiagLevelName = (typeof DIAG_LEVEL_NAMES)[number];

const DIAG_LEVELS: Record<DiagLevelName, DiagLogLevel> = {
  none: DiagLogLevel.NONE,
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
  all: DiagLogLevel.ALL,
};

const PREFIX = '[beacon]';

const writeLine = (line: string) => console.error(PREFIX, redactSecrets(line));

/**
 * Writes to stderr so that it never mixes with the app's structured stdout logs. Errors,
 * warnings and info (ours and the SDK's, e.g. one per failed export) go through a rate limiter.
 */
function stderrLogger(limiter: RateLimitedReporter): DiagLogger {
  const limited = (message: string, ...args: unknown[]) => limiter.report(format(message, ...args));
  const direct = (message: string, ...args: unknown[]) => writeLine(format(message, ...args));
  return { error: limited, warn: limited, info: limited, debug: direct, verbose: direct };
}

let currentLevel: DiagLogLevel = DiagLogLevel.INFO;
/** Set by setupDiagnostics; until then Beacon has nothing to say. */
let beaconLogger: DiagLogger | undefined;

/**
 * At 'info' (the default) Beacon says its own few lines (start-up, endpoint probe) but the
 * SDK only its warnings: its info chatter (one "not retrying further" per failed export)
 * is noise to an app's operator. 'debug' and above let everything through.
 */
export function setupDiagnostics(level: DiagLevelName, reportIntervalMs = 30_000): void {
  currentLevel = DIAG_LEVELS[level];
  beaconLogger = stderrLogger(new RateLimitedReporter(reportIntervalMs, writeLine));
  const sdkLevel = currentLevel === DiagLogLevel.INFO ? DiagLogLevel.WARN : currentLevel;
  diag.setLogger(beaconLogger, { logLevel: sdkLevel, suppressOverrideMessage: true });
  setGlobalErrorHandler((error) => diag.warn(`telemetry error: ${describeError(error)}`));
}

export function isDebugEnabled(): boolean {
  return currentLevel >= DiagLogLevel.DEBUG;
}

/** One of Beacon's own lines, unless diagnostics are at 'warn' or quieter. */
export function info(line: string): void {
  if (currentLevel >= DiagLogLevel.INFO) beaconLogger?.info(line);
}

/** Warnings share the SDK's path (its level is never below WARN unless diagnostics are off). */
export function warn(line: string): void {
  diag.warn(line);
}

/** A warning from a caller that limits its own rate (the delivery report): not folded by the rate limiter. */
export function warnAsIs(line: string): void {
  if (currentLevel >= DiagLogLevel.WARN) writeLine(line);
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}

/** URL credentials, secret query values and `token=…`-style pairs masked (src/secrets.ts). */
export function redactSecrets(text: string): string {
  return defaultSecrets.redactText(text);
}

/**
 * Reports the first occurrence of a message at once, then at most one line per interval
 * per message, with the number of repeats it stood for.
 */
export class RateLimitedReporter {
  private readonly seen = new Map<string, { lastReported: number; suppressed: number }>();

  constructor(
    private readonly intervalMs: number,
    private readonly write: (line: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  report(message: string): void {
    const key = message.replace(/\d+/g, '#');
    const entry = this.seen.get(key);
    const now = this.now();
    if (entry && now - entry.lastReported < this.intervalMs) {
      entry.suppressed++;
      return;
    }
    const repeats = entry?.suppressed ? ` (and ${entry.suppressed} more like it since the last report)` : '';
    this.seen.set(key, { lastReported: now, suppressed: 0 });
    if (this.seen.size > 100) this.seen.delete(this.seen.keys().next().value!);
    this.write(`${message}${repeats}`);
  }
}
