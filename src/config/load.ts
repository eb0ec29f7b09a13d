/**
 * Finds and loads the monitoring config file for the register entry:
 * BEACON_CONFIG=path, else monitoring.config.{ts,mts,js,mjs,json} in the working directory,
 * else none (defaults + env). TypeScript files load through Node's own type stripping.
 * Loaded with import() for the --import entry, with require() for the --require entry.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BeaconConfigError, ErrorCodes } from '../errors.js';
import type { BeaconConfig } from './types.js';

export const CONFIG_FILE_NAMES = [
  'monitoring.config.ts',
  'monitoring.config.mts',
  'monitoring.config.js',
  'monitoring.config.mjs',
  'monitoring.config.json',
] as const;

export interface LoadedConfigFile {
  /** Absolute path of the file, or null when no file was found. */
  path: string | null;
  options: BeaconConfig;
}

export function findConfigFile(cwd: string, explicitPath: string | undefined): string | null {
  if (explicitPath !== undefined && explicitPath.trim() !== '') {
    const path = resolve(cwd, explicitPath.trim());
    if (!existsSync(path)) {
      throw new BeaconConfigError(ErrorCodes.CONFIG_FILE, '', `BEACON_CONFIG=${explicitPath}: no such file (${path})`);
    }
    return path;
  }
  for (const name of CONFIG_FILE_NAMES) {
    const path = resolve(cwd, name);
    if (existsSync(path)) return path;
  }
  return null;
}

/** For the --import entry: any config file, top-level await in it included. */
export async function loadConfigFile(cwd: string, explicitPath: string | undefined): Promise<LoadedConfigFile> {
  const path = findConfigFile(cwd, explicitPath);
  if (path === null) return { path: null, options: {} };
  checkLoadable(path);
  try {
    const module = path.endsWith('.json') ? { default: JSON.parse(await readFile(path, 'utf8')) as unknown } : ((await import(pathToFileURL(path).href)) as ConfigModule);
    return { path, options: optionsOf(module) };
  } catch (error) {
    throw fileError(path, error, '');
  }
}

/** For the --require entry, which cannot await: the same files, loaded with require() (ES modules too, without top-level await). */
export function loadConfigFileSync(cwd: string, explicitPath: string | undefined): LoadedConfigFile {
  const path = findConfigFile(cwd, explicitPath);
  if (path === null) return { path: null, options: {} };
  checkLoadable(path);
  try {
    const module = path.endsWith('.json') ? { default: JSON.parse(readFileSync(path, 'utf8')) as unknown } : (createRequire(import.meta.url)(path) as ConfigModule);
    return { path, options: optionsOf(module) };
  } catch (error) {
    const hint = (error as NodeJS.ErrnoException).code === 'ERR_REQUIRE_ASYNC_MODULE' ? ' (a config file with top-level await needs --import beacon-otel/register)' : '';
    throw fileError(path, error, hint);
  }
}

type ConfigModule = { default?: unknown; config?: unknown };

function checkLoadable(path: string): void {
  if (/\.[cm]?ts$/.test(path) && !process.features.typescript) {
    throw new BeaconConfigError(
      ErrorCodes.CONFIG_FILE,
      '',
      `${path}: Node.js ${process.version} cannot load TypeScript (type stripping is on by default from Node.js 22.18; before, start node with --experimental-strip-types), or write the config as monitoring.config.mjs or .json`,
    );
  }
}

function optionsOf(module: ConfigModule): BeaconConfig {
  const options = module.default ?? module.config;
  if (options === undefined) throw new Error('it has no default export (write `export default defineConfig({ ... })`)');
  return options as BeaconConfig;
}

function fileError(path: string, error: unknown, hint: string): BeaconConfigError {
  if (error instanceof BeaconConfigError) return error;
  return new BeaconConfigError(ErrorCodes.CONFIG_FILE, '', `could not load ${path}: ${(error as Error).message}${hint}`, { cause: error });
}
