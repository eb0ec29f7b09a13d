/**
 * Finds and loads the monitoring config file for the register entry:
 * BEACON_CONFIG=path, else monitoring.config.{ts,mts,js,mjs,json} in the working directory,
 * else none (defaults + env). TypeScript files load through Node's own type stripping.
 */
import { existsSync } from 'node:fs';
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

export async function loadConfigFile(cwd: string, explicitPath: string | undefined): Promise<LoadedConfigFile> {
  const path = findConfigFile(cwd, explicitPath);
  if (path === null) return { path: null, options: {} };
  if (/\.[cm]?ts$/.test(path) && !process.features.typescript) {
    throw new BeaconConfigError(
      ErrorCodes.CONFIG_FILE,
      '',
      `${path}: Node.js ${process.version} cannot load TypeScript (type stripping is on by default from Node.js 22.18; before, start node with --experimental-strip-types), or write the config as monitoring.config.mjs or .json`,
    );
  }
  try {
    if (path.endsWith('.json')) return { path, options: JSON.parse(await readFile(path, 'utf8')) as BeaconConfig };
    const module = (await import(pathToFileURL(path).href)) as { default?: unknown; config?: unknown };
    const options = module.default ?? module.config;
    if (options === undefined) {
      throw new Error('it has no default export (write `export default defineConfig({ ... })`)');
    }
    return { path, options: options as BeaconConfig };
  } catch (error) {
    if (error instanceof BeaconConfigError) throw error;
    throw new BeaconConfigError(ErrorCodes.CONFIG_FILE, '', `could not load ${path}: ${(error as Error).message}`, { cause: error });
  }
}
