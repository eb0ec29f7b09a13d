/**
 * The config as the register entry gets it — the same file discovery and loader
 * (BEACON_CONFIG, else monitoring.config.* in the working directory), the same environment,
 * the service named by the nearest package.json when nothing else names it — and the same
 * stop when it is invalid: the coded message and exit status 78.
 */
import { readDeclarativeFile } from '../config/declarative-file.js';
import { loadConfigFile } from '../config/load.js';
import { type Resolution, resolveConfig } from '../config/resolve.js';
import { appPackageIn } from '../sdk/app-context.js';
import { stopOnConfigError } from '../start.js';

export interface LoadedConfig extends Resolution {
  /** Absolute path of the config file, or null (defaults + environment). */
  file: string | null;
}

export async function loadConfig(): Promise<LoadedConfig> {
  try {
    const { path, options } = await loadConfigFile(process.cwd(), process.env.BEACON_CONFIG);
    return { file: path, ...resolveConfig(options, process.env, appPackageIn(process.cwd()), readDeclarativeFile(process.env)) };
  } catch (error) {
    stopOnConfigError(error);
  }
}
