/**
 * Packages Beacon uses only when the app installs them, for features few apps turn on:
 * pretty console lines (pino-pretty), rotated log files (pino-roll, which brings date-fns:
 * 28 MB) and the GCP resource detector (31 MB). Kept out of the default install; found from
 * Beacon's own node_modules first, then from the app's directories.
 */
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

/** Looked up once per package and places: the file output asks when it opens and when the start-up line describes it. */
const found = new Map<string, string | null>();

export function resolveOptional(name: string, appDirs: readonly string[]): string | null {
  const key = [name, ...appDirs].join('\0');
  if (!found.has(key)) found.set(key, lookUp(name, appDirs));
  return found.get(key)!;
}

function lookUp(name: string, appDirs: readonly string[]): string | null {
  for (const from of [import.meta.url, ...appDirs.map((dir) => resolve(dir, 'noop.js'))]) {
    try {
      return createRequire(from).resolve(name);
    } catch {
      // try the next place
    }
  }
  return null;
}

/** The one warning a feature gives when its optional package is missing. */
export function missingOptional(feature: string, name: string, instead: string, install = `npm install ${name}`): string {
  return `${feature} needs the optional package ${name} (${install}); ${instead}`;
}
