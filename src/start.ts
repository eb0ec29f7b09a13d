/**
 * startMonitoring(): validate the config, resolve it against the environment, start the
 * SDK once, install the exit hooks, say one line about it. The handle it returns is the
 * app's way to flush and stop.
 */
import { appContext } from './sdk/app-context.js';
import { readDeclarativeFile } from './config/declarative-file.js';
import { describeConfig } from './config/describe.js';
import type { Env } from './config/env.js';
import { type AppPackage, type Resolution, resolveConfig } from './config/resolve.js';
import type { BeaconConfig, ResolvedConfig } from './config/types.js';
import { info, isDebugEnabled, setupDiagnostics, warn } from './diagnostics.js';
import { BeaconConfigError, BeaconError, ErrorCodes } from './errors.js';
import { grpcSignals, otlpOutputs } from './config/otlp-outputs.js';
import { plainCredentialWarnings } from './config/plain-credentials.js';
import { probeEndpoint } from './export/endpoint-probe.js';
import { requireGrpcExporters } from './export/grpc-packages.js';
import type { RunningSdk } from './sdk/compose.js';
import { installExitHooks } from './sdk/exit-hooks.js';
import { REDACTED } from './secrets.js';
import { BEACON_VERSION } from './version.js';

export interface MonitoringHandle {
  /** The resolved, frozen config in force. */
  readonly config: ResolvedConfig;
  /** Exports everything buffered so far, within `shutdown.timeoutMs`; never rejects. */
  forceFlush(): Promise<void>;
  /** Flushes and stops, within `shutdown.timeoutMs`; never rejects; safe to call twice. */
  shutdown(): Promise<void>;
}

/** How the process was started; what is not given is read from the app's entry path. */
export interface StartContext {
  env?: Env;
  /** Directories the app loads packages from (its entry file's and the working directory). */
  appDirs?: readonly string[];
  moduleKind?: 'esm' | 'cjs';
  /** The app's package.json name and version: the service's when the config and env name none. */
  appPackage?: AppPackage;
  /** Set by the register entry, for the debug dump. */
  configFile?: string | null;
}

let running: Promise<MonitoringHandle> | null = null;

/**
 * The running instance, for apps started with `--import beacon-otel/register` that did not
 * call startMonitoring themselves: `await monitoring.shutdown()` in their own SIGTERM handler.
 * Both calls are no-ops when Beacon is not running.
 */
export const monitoring = {
  async forceFlush(): Promise<void> {
    await (await running?.catch(() => null))?.forceFlush();
  },
  async shutdown(): Promise<void> {
    await (await running?.catch(() => null))?.shutdown();
  },
};

/**
 * Starts Beacon once (a second call returns the running instance), with the ESM loader hook
 * on the main thread: awaited in a file loaded with --import, it instruments the app exactly
 * as the package's register entry does. Throws BeaconConfigError, before anything starts,
 * when the config object is invalid.
 */
export function startMonitoring(options: BeaconConfig = {}, context: StartContext = {}): Promise<MonitoringHandle> {
  const app: StartContext = { ...appContext(process.argv[1]), ...context };
  const env = context.env ?? process.env;
  return startResolved(() => resolveConfig(options, env, app.appPackage, readDeclarativeFile(env)), app);
}

/** For the --require start, which resolved the config already to enable the instrumentations before the app. */
export function startResolved(resolve: () => Resolution, app: StartContext): Promise<MonitoringHandle> {
  if (running) {
    warn('startMonitoring() was called again; returning the running instance (the new options are ignored)');
    return running;
  }
  running = start(resolve(), app);
  running.catch(() => {
    running = null;
  });
  return running;
}

/**
 * For the register entries: a programmer error in the config, or a package the config needs
 * and the app did not install, is said plainly and the process stops before the app starts
 * (EX_CONFIG); anything else is rethrown.
 */
export function stopOnConfigError(error: unknown): never {
  if (error instanceof BeaconConfigError) console.error(`[beacon] invalid monitoring config: ${error.message}`);
  else if (error instanceof BeaconError && error.code === ErrorCodes.MISSING_PACKAGE) console.error(`[beacon] ${error.code}: ${error.message}`);
  else throw error;
  process.exit(78);
}

async function start({ config, sources, warnings, otelConfigFile }: Resolution, context: StartContext): Promise<MonitoringHandle> {
  setupDiagnostics(config.diagnostics.level);
  for (const line of warnings) warn(line);

  if (!config.enabled) {
    info(`beacon-otel ${BEACON_VERSION} disabled (enabled: false ← ${sources.get('enabled')}); no telemetry`);
    return { config, forceFlush: async () => undefined, shutdown: async () => undefined };
  }

  // Before anything starts: a signal sent over gRPC needs its optional exporter package.
  requireGrpcExporters(grpcSignals(config));

  // Loaded only when needed: a disabled Beacon costs (almost) nothing at start-up.
  const [{ startSdk }, { prepareEsmHook }] = await Promise.all([import('./sdk/compose.js'), import('./sdk/esm-hook.js')]);
  const esmHook = prepareEsmHook();
  let rearmExitFlush = () => {};
  const sdk = await startSdk(config, context.appDirs ?? [process.cwd()], () => rearmExitFlush());
  await esmHook?.register(sdk.instrumentation.targets);
  // Both bounded by shutdown.timeoutMs, including the flush when the loop runs dry.
  const forceFlush = () => sdk.forceFlush(config.shutdown.timeoutMs);
  const shutdown = () => sdk.shutdown(config.shutdown.timeoutMs);
  const hooks = installExitHooks(forceFlush, shutdown, config.shutdown.handleSignals);
  rearmExitFlush = hooks.rearm;

  info(startLine(config, sources, sdk, context) + (otelConfigFile ? ` (settings from OTEL_CONFIG_FILE ${otelConfigFile})` : ''));
  if (isDebugEnabled()) info(debugDump(config, sources, sdk, context));
  for (const line of plainCredentialWarnings(config)) warn(line);
  reportTraceEndpoint(config);

  return {
    config,
    forceFlush,
    shutdown: async () => {
      hooks.remove();
      await shutdown();
    },
  };
}

/** Says, once the probe is back, whether spans have somewhere to go. */
function reportTraceEndpoint(config: ResolvedConfig): void {
  const traces = otlpOutputs(config).find(({ signal }) => signal === 'traces');
  if (!traces) return;
  // Printed through the diagnostics, which mask credentials in URLs.
  const { endpoint } = traces.target;
  void probeEndpoint(endpoint).then((problem) =>
    problem === null
      ? info(`trace endpoint ${endpoint} answers`)
      : warn(`trace endpoint ${endpoint} does not answer (${problem}); exports fail until it does`),
  );
}

function startLine(config: ResolvedConfig, sources: ReadonlyMap<string, string>, sdk: RunningSdk, context: StartContext): string {
  const signals = Object.entries(sdk.destinations)
    .map(([signal, destination]) => `${signal} → ${destination}`)
    .join('; ');
  const kind = context.moduleKind ? ` ${context.moduleKind.toUpperCase()}` : '';
  return `beacon-otel ${BEACON_VERSION} on Node.js ${process.version}${kind}, service ${config.service.name} (${sources.get('service.name')}): ${signals}`;
}

function debugDump(config: ResolvedConfig, sources: Resolution['sources'], sdk: RunningSdk, context: StartContext): string {
  const lines = [`config file: ${context.configFile ?? 'none (defaults + environment)'}`, 'resolved config (value ← source):'];
  for (const { path, value, source } of describeConfig(config, sources)) lines.push(`  ${path} = ${value === REDACTED ? REDACTED : JSON.stringify(value)} ← ${source}`);
  lines.push(`instrumentations applied: ${sdk.instrumentation.applied.join(', ') || 'none'}`);
  lines.push(`instrumentations skipped: ${sdk.instrumentation.skipped.map(({ name, reason }) => `${name} (${reason})`).join(', ')}`);
  return lines.join('\n');
}
