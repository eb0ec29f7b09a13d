/**
 * Starting from a preload that cannot await (`node -r beacon-otel/register app.js`, or
 * `NODE_OPTIONS="--require beacon-otel/register"` as the OpenTelemetry Operator and many
 * platforms inject): the app's first line runs as soon as the preload returns. So what must
 * come before it happens here, synchronously — the config file read, the ESM loader hook
 * registered, the instrumentations enabled, a placeholder tracer provider registered
 * (tracing/global-provider.ts) — and the signals start right after, without
 * blocking the app: what is recorded before they are up (its first few hundred milliseconds)
 * is not exported.
 */
import { loadConfigFileSync } from './config/load.js';
import { readDeclarativeFile } from './config/declarative-file.js';
import { resolveConfig } from './config/resolve.js';
import { appContext } from './sdk/app-context.js';
import { prepareEsmHook } from './sdk/esm-hook.js';
import { enableInstrumentations } from './sdk/instrumentation.js';
import { registerPlaceholderTracerProvider } from './tracing/global-provider.js';
import { startResolved, stopOnConfigError } from './start.js';

export function startBeforeApp(): void {
  try {
    const file = loadConfigFileSync(process.cwd(), process.env.BEACON_CONFIG);
    const app = { ...appContext(process.argv[1]), configFile: file.path };
    const resolution = resolveConfig(file.options, process.env, app.appPackage, readDeclarativeFile(process.env));
    if (resolution.config.enabled) {
      if (resolution.config.tracing.enabled) registerPlaceholderTracerProvider();
      const hook = prepareEsmHook();
      const { plan } = enableInstrumentations(resolution.config, app.appDirs);
      // Not awaited: the loader has the modules to hook with the registration.
      void hook?.register(plan.targets);
    }
    void startResolved(() => resolution, app);
  } catch (error) {
    stopOnConfigError(error);
  }
}
